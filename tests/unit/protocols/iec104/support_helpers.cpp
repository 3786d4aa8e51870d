// Out-of-line parts of the IEC 104 test support (see iec104_test_support.hpp).
#include <cstdio>

#include "iec104_test_support.hpp"

namespace normwatch::protocols::iec104::test {

void JsonWriter::real(std::string_view key, double v) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.6g", v);
  add(key, buf);
}

std::string i_frame(std::uint16_t tx, std::uint16_t rx, std::string_view asdu_hex) {
  const auto asdu = hex(asdu_hex);
  char buf[32];
  std::snprintf(buf, sizeof buf, "68 %02x %02x %02x %02x %02x ", static_cast<unsigned>(4 + asdu.size()),
                (tx << 1) & 0xFF, (tx >> 7) & 0xFF, (rx << 1) & 0xFF, (rx >> 7) & 0xFF);
  return std::string(buf) + std::string(asdu_hex);
}

std::string s_frame(std::uint16_t rx) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "68 04 01 00 %02x %02x", (rx << 1) & 0xFF, (rx >> 7) & 0xFF);
  return buf;
}

}  // namespace normwatch::protocols::iec104::test
