// Classifier: decides which application protocol a flow speaks. Three sources, strongest last:
// the port (a hint only), nDPI's verdict (for everything, bounded to a few packets per flow), and
// for the ICS protocols normwatch parses, the parser's own probe on the first payload bytes, which
// also refuses foreign payload on an ICS port (Zeek #3962). This is the only module that sees nDPI.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>

#include "normwatch/core/byte_reader.hpp"
#include "normwatch/decode/decoded_packet.hpp"
#include "normwatch/flow/flow.hpp"
#include "normwatch/protocols/common/protocol_id.hpp"

namespace normwatch::classify {

struct ClassifierOptions {
  bool use_ndpi = true;
  std::uint32_t max_ndpi_packets = 24;    // packets per flow given to nDPI before it must decide
  std::uint32_t max_probe_bytes = 512;    // payload bytes per side the ICS probes may wait for
};

// Why a flow was (not) taken for an ICS protocol: SG-07 material.
enum class IcsVerdict : std::uint8_t {
  undecided,
  content,            // the parser's probe recognised the protocol (on any port)
  not_ics,            // no ICS parser recognised it (and it was not on an ICS port)
  foreign_on_ics_port // payload on an ICS protocol's port that is not that protocol
};

// Per-flow classification state; the pipeline keeps one in each flow's context.
class FlowClassification {
 public:
  FlowClassification();
  ~FlowClassification();
  FlowClassification(const FlowClassification&) = delete;
  FlowClassification& operator=(const FlowClassification&) = delete;

  protocols::ProtocolId ics_protocol() const { return ics_; }
  IcsVerdict ics_verdict() const { return verdict_; }
  bool ics_decided() const { return verdict_ != IcsVerdict::undecided; }
  bool ndpi_done() const { return ndpi_done_; }
  std::uint16_t ndpi_master() const { return master_; }
  std::uint16_t ndpi_app() const { return app_; }
  // The protocol a person would name: the ICS protocol if recognised, else nDPI's name.
  std::string_view app_name() const { return app_name_; }

 private:
  friend class Classifier;
  struct NdpiFlow;
  std::unique_ptr<NdpiFlow> ndpi_;   // freed as soon as nDPI has decided
  protocols::ProtocolId ics_ = protocols::ProtocolId::unknown;
  protocols::ProtocolId port_hint_ = protocols::ProtocolId::unknown;
  IcsVerdict verdict_ = IcsVerdict::undecided;
  bool ndpi_done_ = false;
  std::uint16_t master_ = 0;
  std::uint16_t app_ = 0;
  std::uint32_t ndpi_packets_ = 0;
  std::uint32_t probe_bytes_seen_ = 0;
  std::string_view app_name_ = "unknown";
};

struct ClassifierCounters {
  std::uint64_t ndpi_flows = 0;          // flows handed to nDPI
  std::uint64_t ndpi_detected = 0;
  std::uint64_t ndpi_gave_up = 0;
  std::uint64_t ics_by_content = 0;
  std::uint64_t ics_off_port = 0;        // ICS protocol recognised on a non-standard port
  std::uint64_t foreign_on_ics_port = 0;
};

class Classifier {
 public:
  explicit Classifier(ClassifierOptions options = {});
  ~Classifier();
  Classifier(const Classifier&) = delete;
  Classifier& operator=(const Classifier&) = delete;

  // Feeds one packet of `flow` to nDPI (until it decides). Cheap once the flow is decided.
  void on_packet(FlowClassification& state, const flow::Flow& flow, const decode::DecodedPacket& packet);

  // Probes the ICS parsers on the first payload bytes one side sent (TCP: start of the reassembled
  // stream; UDP: a datagram). Returns the decided protocol (unknown while undecided or not ICS).
  protocols::ProtocolId probe_ics(FlowClassification& state, const flow::Flow& flow, core::Bytes first_bytes,
                                  bool is_udp);

  // Ends classification of a flow that is going away (gives nDPI its last chance to name it).
  void finish(FlowClassification& state);

  // nDPI's name for a protocol id ("HTTP", "SSH", "Modbus").
  std::string_view ndpi_name(std::uint16_t ndpi_protocol) const;
  const ClassifierCounters& counters() const { return counters_; }
  std::string ndpi_version() const;

 private:
  void decide_ndpi(FlowClassification& state, std::uint16_t master, std::uint16_t app);

  struct Ndpi;
  std::unique_ptr<Ndpi> ndpi_;
  ClassifierOptions options_;
  ClassifierCounters counters_;
};

// The ICS protocol whose well-known port one end of the flow uses (a hint, never proof).
protocols::ProtocolId port_hint(const flow::FlowKey& key);

}  // namespace normwatch::classify
