// libFuzzer target: the DNP3 link framer and frame decoder over arbitrary bytes, walked the way
// the FrameAssembler walks a stream (complete / need_more / invalid with skip).
#include <cstddef>
#include <cstdint>
#include <cstdlib>

#include "normwatch/protocols/dnp3/link_framer.hpp"

using namespace normwatch;
using namespace normwatch::protocols;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  core::Bytes rest = core::as_bytes(data, size);
  dnp3::UserDataBuffer scratch;
  dnp3::LinkFrame lf;
  (void)dnp3::decode_link_frame(rest, scratch, lf);  // decode also copes with any input
  while (!rest.empty()) {
    const FrameVerdict v = dnp3::frame_link(rest);
    if (v.status == FrameStatus::complete) {
      if (v.size == 0 || v.size > rest.size() || v.size > dnp3::kMaxLinkFrameSize) std::abort();
      const dnp3::Anomaly a = dnp3::decode_link_frame(rest.first(v.size), scratch, lf);
      if (a != dnp3::Anomaly::none && a != dnp3::Anomaly::bad_data_crc) std::abort();  // framer vouched for the header
      if (lf.user_data.size() > dnp3::kMaxUserData) std::abort();
      rest = rest.subspan(v.size);
    } else if (v.status == FrameStatus::need_more) {
      if (v.size <= rest.size() || v.size > dnp3::kMaxLinkFrameSize) std::abort();
      break;
    } else {
      if (v.size == 0 || v.size > rest.size()) std::abort();
      rest = rest.subspan(v.size);
    }
  }
  return 0;
}
