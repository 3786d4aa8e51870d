// SliceRecorder (slice_recorder.hpp): holding findings until their pcap slice is complete, and
// writing the slice. The frames come from the capture loop; the findings from the rules.
#include "normwatch/evidence/slice_recorder.hpp"

#include <algorithm>
#include <cstdio>
#include <limits>

#include "normwatch/evidence/pcap_slice.hpp"

namespace normwatch::evidence {

namespace {
constexpr std::int64_t kNoDeadline = std::numeric_limits<std::int64_t>::max();
constexpr std::int64_t kFragmentExpiryIntervalNs = 1'000'000'000;
constexpr std::uint8_t kTcpFin = 0x01;
constexpr std::uint8_t kTcpRst = 0x04;
}  // namespace

struct SliceRecorder::Slice {
  ConversationKey key;
  std::string bytes;                 // the pcap file being built
  std::uint64_t frames = 0;
  std::uint64_t first_frame = 0;
  std::uint64_t last_frame = 0;
  std::size_t after_left = 0;
  std::int64_t deadline_ns = 0;
  bool fin_low = false;              // FIN seen from the low end / the high end
  bool fin_high = false;
  bool closed = false;
  events::SliceRef ref;
  std::shared_ptr<const std::string> pcap;

  std::vector<std::uint64_t> frame_numbers;

  void add(core::Timestamp ts, std::uint64_t frame_no, std::span<const std::byte> data, std::uint32_t wire_len) {
    append_pcap_record(bytes, ts, data, wire_len);
    if (frames++ == 0) first_frame = frame_no;
    last_frame = frame_no;
    frame_numbers.push_back(frame_no);
  }
  std::size_t frames_after(std::uint64_t frame_no) const {
    return static_cast<std::size_t>(frame_numbers.end() -
                                    std::upper_bound(frame_numbers.begin(), frame_numbers.end(), frame_no));
  }
};

bool wants_slice(const events::Event& e) {
  const bool finding = e.kind == events::EventKind::norm_violation || e.kind == events::EventKind::segmentation ||
                       e.kind == events::EventKind::anomaly;
  return finding && e.source && e.destination && (e.transport == "tcp" || e.transport == "udp");
}

core::Result<std::unique_ptr<SliceRecorder>, std::string> SliceRecorder::open(SliceOptions options,
                                                                             events::EventSink& downstream) {
  if (!options.dir.empty()) {
    std::error_code ec;
    std::filesystem::create_directories(options.dir, ec);
    if (ec) return core::unexpected("cannot create the slice directory " + options.dir.string() + ": " + ec.message());
  }
  if (options.max_slice_frames < options.frames_before + 1) options.max_slice_frames = options.frames_before + 1;
  return std::unique_ptr<SliceRecorder>(new SliceRecorder(std::move(options), downstream));
}

SliceRecorder::SliceRecorder(SliceOptions options, events::EventSink& downstream)
    : options_(std::move(options)),
      downstream_(downstream),
      // The rules may report a frame's finding a few frames later (a flow is classified, or a
      // request paired with its response, after more of it is seen): the ring keeps the frames
      // after it too, so the window is placed on the finding's frame, not on its arrival.
      ring_(options_.memory_bytes, options_.snap_bytes, options_.frames_before + options_.frames_after) {
  open_.reserve(options_.max_open_slices + 1);
}

SliceRecorder::~SliceRecorder() = default;

void SliceRecorder::on_frame(const capture::RawFrame& frame) {
  std::lock_guard lock(mutex_);
  if (now_.ns == 0 && frame.link_type != 0) link_type_ = frame.link_type;
  if (frame.ts.ns >= now_.ns + kFragmentExpiryIntervalNs) decoder_.expire(frame.ts);
  now_ = std::max(now_, frame.ts);
  if (decoder_.decode(frame, packet_) == decode::DecodeStatus::transport &&
      (packet_.transport == decode::Transport::tcp || packet_.transport == decode::Transport::udp)) {
    const ConversationKey key =
        make_conversation_key(packet_.src_ip, packet_.src_port, packet_.dst_ip, packet_.dst_port, packet_.ip_proto,
                              packet_.vlan_outer);
    ring_.add(key, frame);
    const bool from_low = packet_.src_ip == key.low_ip && packet_.src_port == key.low_port;
    const auto data = frame.bytes.subspan(0, std::min(frame.bytes.size(), ring_.snap_bytes()));
    // Copied: closing a slice takes it out of open_.
    for (const std::shared_ptr<Slice>& s : std::vector<std::shared_ptr<Slice>>(open_)) {
      if (!(s->key == key)) continue;
      s->add(frame.ts, frame.frame_no, data, frame.wire_len);
      if (s->after_left > 0) --s->after_left;
      bool ended = false;
      if (packet_.transport == decode::Transport::tcp) {
        if ((packet_.tcp.flags & kTcpRst) != 0) ended = true;
        if ((packet_.tcp.flags & kTcpFin) != 0) (from_low ? s->fin_low : s->fin_high) = true;
        ended = ended || (s->fin_low && s->fin_high);
      }
      if (ended || s->after_left == 0 || s->frames >= options_.max_slice_frames) close_slice(*s, false);
    }
  }
  if (now_.ns >= next_deadline_ns_) close_expired(now_);
  release_ready();
}

void SliceRecorder::tick(core::Timestamp now) {
  std::lock_guard lock(mutex_);
  now_ = std::max(now_, now);
  if (now_.ns >= next_deadline_ns_) close_expired(now_);
  release_ready();
}

void SliceRecorder::close_expired(core::Timestamp now) {
  next_deadline_ns_ = kNoDeadline;
  for (const std::shared_ptr<Slice>& s : std::vector<std::shared_ptr<Slice>>(open_)) {
    if (s->deadline_ns <= now.ns) {
      close_slice(*s, false);
    } else {
      next_deadline_ns_ = std::min(next_deadline_ns_, s->deadline_ns);
    }
  }
}

void SliceRecorder::emit(events::Event event) {
  std::lock_guard lock(mutex_);
  if (!wants_slice(event)) {
    if (held_.empty()) {
      downstream_.emit(std::move(event));
    } else {
      held_.push_back(Held{std::move(event), nullptr});
      limit_held();
    }
    return;
  }
  const ConversationKey key = make_conversation_key(event.source->ip, event.source->port, event.destination->ip,
                                                    event.destination->port, event.transport == "tcp" ? 6 : 17, event.vlan);
  const std::int64_t deadline = now_.ns + static_cast<std::int64_t>(options_.after_seconds * 1e9);
  // The finding's frame: the last of its evidence frames (none: the newest frame seen).
  const std::uint64_t trigger = event.evidence_frames.empty()
                                    ? std::numeric_limits<std::uint64_t>::max()
                                    : *std::max_element(event.evidence_frames.begin(), event.evidence_frames.end());
  std::shared_ptr<Slice> slice;
  for (auto it = open_.rbegin(); it != open_.rend(); ++it) {
    if ((*it)->key == key && (*it)->frames < options_.max_slice_frames) {
      slice = *it;
      break;
    }
  }
  if (slice) {
    // Another finding while the slice is open: it shares it, and the window after grows again.
    const std::size_t after_seen = slice->last_frame > trigger ? slice->frames_after(trigger) : 0;
    slice->after_left = std::min(options_.frames_after - std::min(after_seen, options_.frames_after),
                                 options_.max_slice_frames - slice->frames);
    slice->deadline_ns = std::max(slice->deadline_ns, deadline);
  } else {
    slice = std::make_shared<Slice>();
    slice->key = key;
    slice->bytes.reserve(kPcapHeaderBytes + (options_.frames_before + options_.frames_after) *
                                                (kPcapRecordHeaderBytes + ring_.snap_bytes()));
    append_pcap_header(slice->bytes, link_type_, static_cast<std::uint32_t>(ring_.snap_bytes()));
    // The last frames_before frames up to the finding's frame, and those after it seen already.
    std::size_t up_to_trigger = 0;
    ring_.for_each(key, [&](const StoredFrame& f) { up_to_trigger += f.frame_no <= trigger ? 1 : 0; });
    std::size_t index = 0;
    std::size_t after_seen = 0;
    ring_.for_each(key, [&](const StoredFrame& f) {
      const bool before = f.frame_no <= trigger;
      const std::size_t i = index++;
      if (before && i + options_.frames_before < up_to_trigger) return;
      if (!before && after_seen++ >= options_.frames_after) return;
      slice->add(f.ts, f.frame_no, f.bytes, f.wire_len);
    });
    if (slice->frames == 0) {
      event.slice = events::SliceRef{};
      event.slice->dropped = "slice.no_frames";
      slice.reset();
    } else {
      slice->after_left = options_.frames_after - std::min(after_seen, options_.frames_after);
      slice->deadline_ns = deadline;
      if (open_.size() >= options_.max_open_slices && !open_.empty()) close_slice(*open_.front(), true);
      open_.push_back(slice);
      if (slice->after_left == 0) close_slice(*slice, false);
    }
  }
  if (slice && !slice->closed) next_deadline_ns_ = std::min(next_deadline_ns_, slice->deadline_ns);
  held_.push_back(Held{std::move(event), slice});
  limit_held();
  release_ready();
}

// Beyond max_held_events the oldest held finding's slice is closed early and what it held goes.
void SliceRecorder::limit_held() {
  while (held_.size() > options_.max_held_events && held_.front().slice && !held_.front().slice->closed) {
    close_slice(*held_.front().slice, true);
    release_ready();
  }
}

void SliceRecorder::close_slice(Slice& s, bool cut_short) {
  if (s.closed) return;
  s.closed = true;
  open_.erase(std::remove_if(open_.begin(), open_.end(), [&s](const auto& p) { return p.get() == &s; }), open_.end());
  if (cut_short) ++counters_.cut_short;
  const std::string sha = events::sha256_hex(s.bytes);
  s.ref.name = slice_file_name(options_.sensor_id, s.first_frame, s.last_frame, sha);
  s.ref.sha256 = sha;
  s.ref.frames = s.frames;
  s.ref.first_frame = s.first_frame;
  s.ref.last_frame = s.last_frame;
  if (!options_.dir.empty()) {
    if (auto r = write_slice_file(options_.dir, s.ref.name, s.bytes); !r) {
      ++counters_.write_errors;
      if (!write_error_logged_) {
        write_error_logged_ = true;
        std::fprintf(stderr, "normwatch: slices: %s%s\n", r.error().c_str(),
                     options_.attach ? " (the slice still goes to the collector with its event)" : "");
      }
      if (!options_.attach) {
        s.ref = events::SliceRef{};
        s.ref.dropped = "slice.write_failed";
      }
    }
  }
  if (s.ref.dropped.empty()) {
    ++counters_.slices_written;
    counters_.slice_frames += s.frames;
  }
  if (options_.attach && s.ref.dropped.empty()) s.pcap = std::make_shared<const std::string>(std::move(s.bytes));
  s.bytes = std::string();
}

void SliceRecorder::release_ready() {
  while (!held_.empty()) {
    Held& h = held_.front();
    if (h.slice && !h.slice->closed) return;
    if (h.slice) {
      h.event.slice = h.slice->ref;
      h.event.slice_pcap = h.slice->pcap;
    }
    if (h.event.slice) {
      if (h.event.slice->dropped.empty()) {
        ++counters_.events_with_slice;
      } else {
        ++counters_.events_slice_dropped;
      }
    }
    events::Event out = std::move(h.event);
    held_.pop_front();
    downstream_.emit(std::move(out));
  }
}

void SliceRecorder::finish() {
  std::lock_guard lock(mutex_);
  while (!open_.empty()) close_slice(*open_.front(), false);
  next_deadline_ns_ = kNoDeadline;
  release_ready();
}

void SliceRecorder::flush() {
  finish();
  downstream_.flush();
}

SliceCounters SliceRecorder::counters() const {
  std::lock_guard lock(mutex_);
  SliceCounters c = counters_;
  c.ring = ring_.counters();
  return c;
}

}  // namespace normwatch::evidence
