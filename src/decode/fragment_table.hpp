// IP fragment reassembly (RFC 791 §3.2 for IPv4, RFC 8200 §4.5 for IPv6) under named caps:
// datagrams held, bytes held, fragments per datagram, and a timeout. Overlapping fragments keep
// the first copy; a later copy with different bytes is reported (fragment_overlap). Memory is
// only allocated when a fragment arrives. The rebuilt datagram starts with the first fragment's
// IP header (for the classifier, which wants a whole IP packet). Private to src/decode.
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <span>
#include <vector>

#include "normwatch/core/byte_reader.hpp"
#include "normwatch/core/ip_address.hpp"
#include "normwatch/core/timestamp.hpp"
#include "normwatch/decode/anomaly.hpp"
#include "normwatch/decode/decoder.hpp"

namespace normwatch::decode::detail {

struct FragmentKey {
  core::IpAddress src;
  core::IpAddress dst;
  std::uint32_t id = 0;
  std::uint8_t proto = 0;  // IPv4 protocol (part of RFC 791's key); 0 for IPv6 (not in its key)
  bool operator==(const FragmentKey&) const = default;
};

// Room kept in front of the reassembled bytes for the IP header (IPv4 with options: 60 bytes).
inline constexpr std::size_t kFragmentHeaderRoom = 60;

struct Fragment {
  FragmentKey key;
  std::size_t offset = 0;         // bytes from the start of the fragmentable part
  bool more = false;              // more fragments follow (MF / M flag)
  core::Bytes data;               // this fragment's bytes, wholly captured
  core::Bytes header;             // IP header to rebuild the datagram with (<= 60 bytes)
  std::size_t max_end = 65535;    // offset + size beyond this makes an illegal datagram
  std::uint8_t ttl = 0;           // TTL / hop limit
  std::uint8_t next_header = 0;   // protocol of the reassembled payload (from offset 0)
  core::Timestamp ts;
  std::uint64_t frame_no = 0;
};

struct Reassembled {
  std::span<std::byte> packet;    // header + payload in the table's buffer, valid until the next
                                  // add(); the caller patches lengths and flags in the header
  core::Bytes payload;            // the reassembled bytes after the header
  std::uint8_t ttl = 0;
  std::uint8_t next_header = 0;
  std::uint64_t first_frame_no = 0;
};

enum class FragmentVerdict : std::uint8_t { held, complete, dropped };

struct FragmentOutcome {
  FragmentVerdict verdict = FragmentVerdict::held;
  DecodeAnomalySet anomalies = 0;  // raised by this fragment
  std::size_t timeouts = 0;        // datagrams that timed out meanwhile (not this frame's fault)
};

class FragmentTable {
 public:
  explicit FragmentTable(const DecoderLimits& limits) : limits_(limits) {}
  ~FragmentTable();
  FragmentTable(const FragmentTable&) = delete;
  FragmentTable& operator=(const FragmentTable&) = delete;

  FragmentOutcome add(const Fragment& fragment, Reassembled& out);
  // Drops datagrams whose first fragment is older than the timeout at `now`; returns how many.
  std::size_t expire(core::Timestamp now);

  bool empty() const { return datagrams_.empty(); }
  std::size_t size() const { return datagrams_.size(); }
  std::size_t bytes_held() const { return bytes_held_; }

 private:
  struct Range {
    std::size_t begin;
    std::size_t end;
  };
  struct Datagram {
    FragmentKey key;
    core::Timestamp first_ts;
    std::uint64_t first_frame_no = 0;
    std::vector<std::byte> data;  // kFragmentHeaderRoom, then the bytes up to the highest end
    std::size_t max_end = 0;      // highest end seen
    std::vector<Range> ranges;    // bytes received: sorted, disjoint, merged
    std::size_t total = 0;        // known once the last fragment arrived
    bool has_last = false;
    std::size_t fragments = 0;
    std::uint8_t ttl = 0;
    std::uint8_t next_header = 0;
    std::size_t header_len = 0;   // set by the offset-0 fragment
  };

  std::size_t find(const FragmentKey& key) const;
  void erase(std::size_t index);
  bool grow(std::size_t index, std::size_t end, FragmentOutcome& outcome);
  static bool store(Datagram& d, const Fragment& f);

  DecoderLimits limits_;
  // Oldest first: eviction takes the front. unique_ptr keeps a datagram in place while others go.
  std::vector<std::unique_ptr<Datagram>> datagrams_;
  std::vector<std::byte> output_;  // the last reassembled datagram
  std::size_t bytes_held_ = 0;
};

}  // namespace normwatch::decode::detail
