// Test helpers for the decoder: hex frames, RawFrame wrappers and small builders for the frames
// that are clearer built than written out (IP fragments, whose checksums depend on the cut).
#pragma once

#include <cstdint>
#include <string_view>
#include <vector>

#include "normwatch/capture/raw_frame.hpp"
#include "normwatch/core/ip_address.hpp"

namespace normwatch::decode::test {

using ByteVec = std::vector<std::byte>;

ByteVec hex(std::string_view text);
ByteVec concat(std::initializer_list<ByteVec> parts);

// A RawFrame over `bytes` (which must outlive it). wire_len 0 means "as captured".
capture::RawFrame raw(const ByteVec& bytes, int link_type = 1, std::int64_t ts_ns = 0, std::uint64_t frame_no = 1,
                      std::uint32_t wire_len = 0);

// Ethernet II header 02:00:00:00:00:02 <- 02:00:00:00:00:01 with `ethertype`.
ByteVec ethernet(std::uint16_t ethertype);

// IPv4 header with a correct checksum. offset in bytes (multiple of 8), `more` = MF.
ByteVec ipv4_header(const core::IpAddress& src, const core::IpAddress& dst, std::uint8_t proto, std::size_t payload_len,
                    std::uint16_t id = 0x1234, std::size_t offset = 0, bool more = false);
// IPv6 header followed by a fragment header (next header `inner`).
ByteVec ipv6_fragment_header(const core::IpAddress& src, const core::IpAddress& dst, std::uint8_t inner,
                             std::size_t payload_len, std::uint32_t id, std::size_t offset, bool more);

core::IpAddress ip(std::string_view text);

// Overwrites the TCP or UDP checksum of an IPv4 transport segment so that it verifies.
void fix_l4_checksum(ByteVec& segment, std::uint8_t proto, const core::IpAddress& src, const core::IpAddress& dst);

}  // namespace normwatch::decode::test
