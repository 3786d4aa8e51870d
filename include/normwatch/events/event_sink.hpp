// EventSink: where findings go. Producers (rules, health, the anomaly reporter) emit events
// without knowing whether they end in a JSON-lines file, the ZeroMQ spool, or both (publish/).
#pragma once

#include "normwatch/events/event.hpp"

namespace normwatch::events {

class EventSink {
 public:
  virtual ~EventSink() = default;
  // Takes the event; the sink stamps sensor/epoch/seq if it is the sequencing sink.
  virtual void emit(Event event) = 0;
  // Pushes out anything buffered (end of capture, shutdown).
  virtual void flush() {}
};

}  // namespace normwatch::events
