// libFuzzer target: the whole DNP3 stack. Input: a list of chunks, each as
// [control byte: bit 7 side, bit 6 gap before, bit 5 datagram, bit 4 wrap][length byte][bytes];
// TCP chunks go to on_stream from either side with gaps, datagram chunks to on_datagram; on_end at
// the end. A "wrap" chunk is [link control][destination][source][user data] turned into a link
// frame with correct CRCs first, so that mutations reach transport and application parsing
// instead of dying at the CRC check. Every reported record is described, as the pipeline would.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include <vector>

#include "normwatch/protocols/dnp3/crc.hpp"
#include "normwatch/protocols/dnp3/session.hpp"

using namespace normwatch;
using namespace normwatch::protocols;

namespace {

class NullWriter final : public core::FieldWriter {
 public:
  void integer(std::string_view, std::int64_t) override {}
  void unsigned_integer(std::string_view, std::uint64_t) override {}
  void real(std::string_view, double) override {}
  void boolean(std::string_view, bool) override {}
  void string(std::string_view, std::string_view) override {}
  void begin_object(std::string_view) override {}
  void end_object() override {}
  void begin_array(std::string_view) override {}
  void end_array() override {}
};

class DescribingSink final : public PduSink {
 public:
  void on_pdu(const PduRecord& record) override {
    NullWriter w;
    record.describe(w);
    const auto* pdu = record.as<dnp3::Pdu>();
    if (pdu == nullptr) std::abort();
    if (pdu->has_app && pdu->app.size > 2048) std::abort();  // the default fragment cap
  }
  void on_anomaly(const AnomalyRecord& record) override {
    if (record.name.empty() || record.name.substr(0, 5) != "dnp3.") std::abort();
  }
};

void put_crc(std::vector<std::byte>& out, core::Bytes covered) {
  const std::uint16_t crc = dnp3::crc16_dnp(covered);
  out.push_back(static_cast<std::byte>(crc & 0xFF));
  out.push_back(static_cast<std::byte>(crc >> 8));
}

// [control][dst][src][user data...] -> one link frame with valid CRCs.
std::vector<std::byte> wrap(core::Bytes chunk) {
  std::vector<std::byte> out;
  if (chunk.size() < 3) return out;
  const core::Bytes user = chunk.subspan(3, std::min<std::size_t>(chunk.size() - 3, dnp3::kMaxUserData));
  out = {std::byte{0x05}, std::byte{0x64}, static_cast<std::byte>(5 + user.size()), chunk[0], chunk[1], std::byte{0},
         chunk[2], std::byte{0}};
  put_crc(out, core::Bytes(out));
  for (std::size_t i = 0; i < user.size(); i += 16) {
    const core::Bytes block = user.subspan(i, std::min<std::size_t>(16, user.size() - i));
    out.insert(out.end(), block.begin(), block.end());
    put_crc(out, block);
  }
  return out;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  DescribingSink sink;
  dnp3::Limits limits;
  limits.max_outstanding_requests = 4;
  limits.transport.max_link_pairs = 4;
  dnp3::Dnp3Session session(sink, limits);
  core::ByteReader r(core::as_bytes(data, size));
  std::uint64_t frame = 0;
  while (!r.empty()) {
    const std::uint8_t control = r.u8().value_or(0);
    const std::size_t len = r.u8().value_or(0);
    const auto chunk = r.take(len < r.remaining() ? len : r.remaining());
    if (!chunk) break;
    const Side side = (control & 0x80) ? Side::server : Side::client;
    const SegmentContext ctx{++frame, core::Timestamp{static_cast<std::int64_t>(frame)}};
    std::vector<std::byte> wrapped;
    core::Bytes bytes = *chunk;
    if (control & 0x10) {
      wrapped = wrap(*chunk);
      bytes = core::Bytes(wrapped);
    }
    if (control & 0x20) {
      session.on_datagram(side, bytes, ctx);
    } else {
      session.on_stream(side, bytes, (control & 0x40) != 0, ctx);
    }
  }
  session.on_end(SegmentContext{++frame, core::Timestamp{}});
  if (session.pending_requests() != 0) std::abort();
  return 0;
}
