// IP fragment reassembly: a small table searched linearly (fragments are rare on ICS networks;
// at the 1024-datagram cap a lookup stays around a microsecond), byte ranges per datagram, and
// eviction of the oldest datagram when a cap is hit. RFC 791 §3.2, RFC 8200 §4.5, RFC 5722.
#include "fragment_table.hpp"

#include <algorithm>
#include <cstring>

namespace normwatch::decode::detail {

namespace {
constexpr std::size_t kMaxBuffer = kFragmentHeaderRoom + 65535;
constexpr std::size_t kMinBuffer = 2048;
}  // namespace

FragmentTable::~FragmentTable() = default;

std::size_t FragmentTable::find(const FragmentKey& key) const {
  for (std::size_t i = 0; i < datagrams_.size(); ++i) {
    if (datagrams_[i]->key == key) return i;
  }
  return datagrams_.size();
}

void FragmentTable::erase(std::size_t index) {
  bytes_held_ -= datagrams_[index]->data.capacity();
  datagrams_.erase(datagrams_.begin() + static_cast<std::ptrdiff_t>(index));
}

std::size_t FragmentTable::expire(core::Timestamp now) {
  std::size_t expired = 0;
  for (std::size_t i = 0; i < datagrams_.size();) {
    if (now.ns - datagrams_[i]->first_ts.ns > limits_.fragment_timeout_ns) {
      erase(i);
      ++expired;
    } else {
      ++i;
    }
  }
  return expired;
}

// Makes room for the datagram at `index` to hold `end` bytes, evicting older datagrams when the
// byte cap requires it. False when this datagram alone would exceed the cap (it is dropped).
bool FragmentTable::grow(std::size_t index, std::size_t end, FragmentOutcome& outcome) {
  Datagram* d = datagrams_[index].get();
  const std::size_t need = kFragmentHeaderRoom + end;
  if (need <= d->data.capacity()) return true;
  if (need > limits_.max_fragment_bytes) {
    outcome.anomalies |= anomaly_bit(DecodeAnomaly::fragment_too_large);
    erase(index);
    return false;
  }
  std::size_t want = std::max({need, 2 * d->data.capacity(), kMinBuffer});
  want = std::min({want, kMaxBuffer, limits_.max_fragment_bytes});
  const std::size_t extra = want - d->data.capacity();
  // Evict the oldest datagrams other than this one until the growth fits.
  std::size_t victim = 0;
  while (bytes_held_ + extra > limits_.max_fragment_bytes && victim < datagrams_.size()) {
    if (datagrams_[victim].get() == d) {
      ++victim;
      continue;
    }
    outcome.anomalies |= anomaly_bit(DecodeAnomaly::fragment_table_full);
    erase(victim);
  }
  const std::size_t before = d->data.capacity();
  d->data.reserve(want);
  bytes_held_ += d->data.capacity() - before;
  return true;
}

// Copies the bytes of `f` that are not held yet; bytes already held are compared, not replaced
// (first copy wins). Returns true when some held byte differed. Then records the range.
bool FragmentTable::store(Datagram& d, const Fragment& f) {
  const std::size_t begin = f.offset;
  const std::size_t end = f.offset + f.data.size();
  if (begin == end) return false;  // an empty fragment adds no bytes (and no empty range)
  if (d.data.size() < kFragmentHeaderRoom + end) d.data.resize(kFragmentHeaderRoom + end);
  d.max_end = std::max(d.max_end, end);
  std::byte* const base = d.data.data() + kFragmentHeaderRoom;
  const auto copy = [&](std::size_t from, std::size_t to) {
    if (to > from) std::memcpy(base + from, f.data.data() + (from - begin), to - from);
  };
  bool differs = false;
  std::size_t pos = begin;
  for (const Range& r : d.ranges) {
    if (r.end <= begin) continue;
    if (r.begin >= end) break;
    copy(pos, std::max(pos, r.begin));
    const std::size_t ob = std::max(r.begin, begin);
    const std::size_t oe = std::min(r.end, end);
    if (std::memcmp(base + ob, f.data.data() + (ob - begin), oe - ob) != 0) differs = true;
    pos = oe;
  }
  copy(pos, end);

  // Insert [begin, end) and merge with overlapping or touching ranges.
  auto first = std::find_if(d.ranges.begin(), d.ranges.end(), [&](const Range& r) { return r.end >= begin; });
  auto last = first;
  Range merged{begin, end};
  while (last != d.ranges.end() && last->begin <= end) {
    merged.begin = std::min(merged.begin, last->begin);
    merged.end = std::max(merged.end, last->end);
    ++last;
  }
  const auto at = d.ranges.erase(first, last);
  d.ranges.insert(at, merged);
  return differs;
}

FragmentOutcome FragmentTable::add(const Fragment& f, Reassembled& out) {
  FragmentOutcome outcome;
  outcome.timeouts = expire(f.ts);
  const std::size_t end = f.offset + f.data.size();
  std::size_t index = find(f.key);
  const bool known = index < datagrams_.size();

  if (end > f.max_end || f.header.size() > kFragmentHeaderRoom) {  // "ping of death": past 64 KiB
    if (known) erase(index);
    outcome.anomalies |= anomaly_bit(DecodeAnomaly::fragment_too_large);
    outcome.verdict = FragmentVerdict::dropped;
    return outcome;
  }
  if (!known) {
    if (limits_.max_fragment_datagrams == 0) {
      outcome.anomalies |= anomaly_bit(DecodeAnomaly::fragment_table_full);
      outcome.verdict = FragmentVerdict::dropped;
      return outcome;
    }
    if (datagrams_.size() >= limits_.max_fragment_datagrams) {
      outcome.anomalies |= anomaly_bit(DecodeAnomaly::fragment_table_full);
      erase(0);
    }
    auto fresh = std::make_unique<Datagram>();
    fresh->key = f.key;
    fresh->first_ts = f.ts;
    fresh->first_frame_no = f.frame_no;
    datagrams_.push_back(std::move(fresh));
    index = datagrams_.size() - 1;
  }

  Datagram* d = datagrams_[index].get();
  if (++d->fragments > limits_.max_fragments_per_datagram) {
    outcome.anomalies |= anomaly_bit(DecodeAnomaly::too_many_fragments);
    erase(index);
    outcome.verdict = FragmentVerdict::dropped;
    return outcome;
  }
  // A fragment that contradicts the known end (bytes past it, or a second "last" fragment with
  // another end, or a last fragment that would cut off bytes already held) loses to what came
  // first, like a conflicting overlap.
  const bool past_end = d->has_last && (end > d->total || (!f.more && end != d->total));
  const bool cuts_held = !f.more && end < d->max_end;
  if (past_end || cuts_held) {
    outcome.anomalies |= anomaly_bit(DecodeAnomaly::fragment_overlap);
    return outcome;
  }
  if (!grow(index, end, outcome)) {
    outcome.verdict = FragmentVerdict::dropped;
    return outcome;
  }
  if (store(*d, f)) outcome.anomalies |= anomaly_bit(DecodeAnomaly::fragment_overlap);
  d->first_frame_no = std::min(d->first_frame_no, f.frame_no);
  if (f.offset == 0 && d->header_len == 0) {  // first copy wins for the header too
    d->ttl = f.ttl;
    d->next_header = f.next_header;
    d->header_len = f.header.size();
    if (d->data.size() < kFragmentHeaderRoom) d->data.resize(kFragmentHeaderRoom);
    std::memcpy(d->data.data() + kFragmentHeaderRoom - d->header_len, f.header.data(), d->header_len);
  }
  if (!f.more) {
    d->has_last = true;
    d->total = end;
  }
  const bool complete = d->has_last && d->ranges.size() == 1 && d->ranges[0].begin == 0 &&
                        d->ranges[0].end == d->total;
  if (!complete) return outcome;

  output_.swap(d->data);
  out.packet = std::span<std::byte>(output_.data() + kFragmentHeaderRoom - d->header_len, d->header_len + d->total);
  out.payload = core::Bytes(output_.data() + kFragmentHeaderRoom, d->total);
  out.ttl = d->ttl;
  out.next_header = d->next_header;
  out.first_frame_no = d->first_frame_no;
  // erase() subtracts the capacity the datagram now holds (the old output buffer), so account
  // for the swap first.
  bytes_held_ += d->data.capacity();
  bytes_held_ -= output_.capacity();
  erase(index);
  outcome.verdict = FragmentVerdict::complete;
  return outcome;
}

}  // namespace normwatch::decode::detail
