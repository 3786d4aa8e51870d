// The nDPI adapter: one detection module per classifier, one nDPI flow per flow until nDPI has
// decided (or had max_ndpi_packets packets), then freed, so a long-lived flow costs nothing more
// and a SYN sweep never allocates nDPI state (flows without payload are not handed over).
#include <ndpi/ndpi_api.h>

#include <cstdlib>
#include <cstring>
#include <string>

#include "normwatch/classify/classifier.hpp"

namespace normwatch::classify {

struct Classifier::Ndpi {
  ndpi_detection_module_struct* module = nullptr;
  ~Ndpi() {
    if (module != nullptr) ndpi_exit_detection_module(module);
  }
};

struct FlowClassification::NdpiFlow {
  ndpi_flow_struct* flow = nullptr;
  ~NdpiFlow() {
    if (flow != nullptr) ndpi_free_flow(flow);
  }
};

FlowClassification::FlowClassification() = default;
FlowClassification::~FlowClassification() = default;

Classifier::Classifier(ClassifierOptions options) : ndpi_(std::make_unique<Ndpi>()), options_(options) {
  if (!options_.use_ndpi) return;
  ndpi_->module = ndpi_init_detection_module(ndpi_no_prefs);
  if (ndpi_->module == nullptr) {
    options_.use_ndpi = false;  // reported through ndpi_version(); classification falls back to ports
    return;
  }
  NDPI_PROTOCOL_BITMASK all;
  NDPI_BITMASK_SET_ALL(all);
  ndpi_set_protocol_detection_bitmask2(ndpi_->module, &all);
  ndpi_finalize_initialization(ndpi_->module);
}

Classifier::~Classifier() = default;

std::string Classifier::ndpi_version() const {
  if (ndpi_->module == nullptr) return "disabled";
  return ndpi_revision();
}

std::string_view Classifier::ndpi_name(std::uint16_t ndpi_protocol) const {
  if (ndpi_->module == nullptr) return "unknown";
  const char* name = ndpi_get_proto_name(ndpi_->module, ndpi_protocol);
  return name != nullptr ? std::string_view(name) : std::string_view("unknown");
}

void Classifier::decide_ndpi(FlowClassification& state, std::uint16_t master, std::uint16_t app) {
  state.ndpi_done_ = true;
  state.master_ = master;
  state.app_ = app;
  state.ndpi_.reset();
  // The ICS probe's verdict outranks nDPI's name for the protocols normwatch parses.
  if (state.ics_ == protocols::ProtocolId::unknown) {
    const std::uint16_t shown = app != NDPI_PROTOCOL_UNKNOWN ? app : master;
    state.app_name_ = ndpi_name(shown);
  }
}

void Classifier::on_packet(FlowClassification& state, const flow::Flow& flow, const decode::DecodedPacket& packet) {
  (void)flow;
  if (state.ndpi_done_ || !options_.use_ndpi) return;
  if (packet.payload.empty() && !state.ndpi_) return;  // no state until there is something to look at
  if (packet.ip_packet.empty() || packet.ip_packet.size() > 0xFFFF) return;
  if (!state.ndpi_) {
    state.ndpi_ = std::make_unique<FlowClassification::NdpiFlow>();
    state.ndpi_->flow = static_cast<ndpi_flow_struct*>(ndpi_flow_malloc(ndpi_detection_get_sizeof_ndpi_flow_struct()));
    if (state.ndpi_->flow == nullptr) {
      state.ndpi_.reset();
      state.ndpi_done_ = true;
      return;
    }
    std::memset(state.ndpi_->flow, 0, ndpi_detection_get_sizeof_ndpi_flow_struct());
    ++counters_.ndpi_flows;
  }
  const auto ms = static_cast<std::uint64_t>(packet.ts.ns / 1'000'000);
  const ndpi_protocol p = ndpi_detection_process_packet(
      ndpi_->module, state.ndpi_->flow, reinterpret_cast<const unsigned char*>(packet.ip_packet.data()),
      static_cast<unsigned short>(packet.ip_packet.size()), ms);
  ++state.ndpi_packets_;
  if (p.app_protocol != NDPI_PROTOCOL_UNKNOWN || p.master_protocol != NDPI_PROTOCOL_UNKNOWN) {
    if (ndpi_extra_dissection_possible(ndpi_->module, state.ndpi_->flow) == 0 ||
        state.ndpi_packets_ >= options_.max_ndpi_packets) {
      ++counters_.ndpi_detected;
      decide_ndpi(state, p.master_protocol, p.app_protocol);
    }
    return;
  }
  if (state.ndpi_packets_ >= options_.max_ndpi_packets) finish(state);
}

void Classifier::finish(FlowClassification& state) {
  if (state.ndpi_done_ || !state.ndpi_) return;
  std::uint8_t guessed = 0;
  const ndpi_protocol p = ndpi_detection_giveup(ndpi_->module, state.ndpi_->flow, 1, &guessed);
  ++counters_.ndpi_gave_up;
  decide_ndpi(state, p.master_protocol, p.app_protocol);
}

}  // namespace normwatch::classify
