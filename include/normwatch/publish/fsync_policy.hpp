// FsyncPolicy: when the spool forces appended events to stable storage (issue 7 §1).
//
//   always       fsync after every group of appended events, before any of them is sent. A power
//                cut loses nothing the spool accepted. Slowest (one fsync per worker wake-up).
//   batch[:N:MS] (default, N=1000, MS=100) fsync once N events were appended since the last fsync
//                or MS milliseconds passed since the first of them, whichever comes first.
//                Power-cut loss window: at most N events or MS ms of events. Events may be sent
//                before they are fsynced.
//   interval:MS  fsync every MS milliseconds whatever the count. Loss window: MS ms of events.
//
// Whatever the policy, a crash of the sensor process alone (SIGKILL, abort) loses nothing the
// spool accepted: an event is "accepted" once write(2) returned, i.e. it is in the kernel's page
// cache. Only a kernel crash or power cut can lose the unsynced window above.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "normwatch/core/result.hpp"

namespace normwatch::publish {

struct FsyncPolicy {
  enum class Mode : std::uint8_t { always, batch, interval };
  Mode mode = Mode::batch;
  std::uint32_t batch_events = 1000;  // batch: fsync after this many events...
  std::uint32_t interval_ms = 100;    // ...or this long after the first unsynced one (interval: period)
};

// "always", "batch", "batch:N:MS", "interval:MS". Errors name the bad part.
core::Result<FsyncPolicy, std::string> parse_fsync_policy(std::string_view text);
std::string to_string(const FsyncPolicy& policy);

}  // namespace normwatch::publish
