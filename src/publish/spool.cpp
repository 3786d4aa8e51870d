// Spool implementation: segment files, crash recovery (truncate at the first record that does not
// check), fsync policy, admission and deletion of delivered segments. See spool.hpp.
#include "normwatch/publish/spool.hpp"

#include <fcntl.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <charconv>

#include "normwatch/publish/durable_file.hpp"
#include "normwatch/publish/spool_format.hpp"

namespace normwatch::publish {

namespace {

constexpr std::size_t kReadChunk = 256 * 1024;
constexpr std::uint64_t kMaxRecoverSegmentBytes = 1ULL << 30;

core::Result<void, std::string> pwrite_all(int fd, std::string_view data) {
  while (!data.empty()) {
    const ssize_t n = ::write(fd, data.data(), data.size());
    if (n < 0) {
      if (errno == EINTR) continue;
      return core::unexpected(errno_text(errno));
    }
    data.remove_prefix(static_cast<std::size_t>(n));
  }
  return {};
}

core::Result<std::size_t, std::string> pread_some(int fd, char* out, std::size_t size, std::uint64_t offset) {
  std::size_t done = 0;
  while (done < size) {
    const ssize_t n = ::pread(fd, out + done, size - done, static_cast<off_t>(offset + done));
    if (n < 0) {
      if (errno == EINTR) continue;
      return core::unexpected(errno_text(errno));
    }
    if (n == 0) break;
    done += static_cast<std::size_t>(n);
  }
  return done;
}

}  // namespace

Spool::Spool(std::filesystem::path dir, SpoolLimits limits, FsyncPolicy policy)
    : dir_(std::move(dir)), limits_(limits), policy_(policy), last_sync_(Clock::now()) {}

core::Result<std::unique_ptr<Spool>, std::string> Spool::open(const std::filesystem::path& dir, SpoolLimits limits,
                                                              FsyncPolicy policy) {
  std::error_code ec;
  std::filesystem::create_directories(dir, ec);
  if (ec) return core::unexpected("cannot create spool directory " + dir.string() + ": " + ec.message());
  if (limits.segment_bytes == 0) limits.segment_bytes = SpoolLimits{}.segment_bytes;
  limits.segment_bytes = std::min(limits.segment_bytes, std::max<std::uint64_t>(limits.max_bytes, 1));
  std::unique_ptr<Spool> spool(new Spool(dir, limits, policy));
  if (auto r = spool->recover(); !r) return core::unexpected(r.error());
  return spool;
}

Spool::~Spool() {
  (void)write_pending(Clock::now(), /*force_sync=*/true);
  persist_acked();
  for (Segment& seg : segments_) close_segment(seg, false);
}

std::filesystem::path Spool::segment_path(std::uint64_t id) const { return dir_ / segment_file_name(id); }

core::Result<void, std::string> Spool::recover() {
  if (std::filesystem::exists(dir_ / "acked")) {
    if (auto text = read_small_file(dir_ / "acked", 64); text) {
      std::uint64_t v = 0;
      std::string_view t = *text;
      while (!t.empty() && (t.back() == '\n' || t.back() == ' ')) t.remove_suffix(1);
      if (std::from_chars(t.data(), t.data() + t.size(), v).ec == std::errc()) acked_through_ = v;
    }
  }
  acked_persisted_ = acked_through_;
  recovery_.acked_through = acked_through_;

  std::vector<std::uint64_t> ids;
  std::error_code ec;
  for (const auto& entry : std::filesystem::directory_iterator(dir_, ec)) {
    if (auto id = parse_segment_file_name(entry.path().filename().string()); id) ids.push_back(*id);
  }
  if (ec) return core::unexpected("cannot list spool directory " + dir_.string() + ": " + ec.message());
  std::sort(ids.begin(), ids.end());

  for (std::size_t i = 0; i < ids.size(); ++i) {
    Segment seg;
    seg.id = ids[i];
    seg.fd = ::open(segment_path(seg.id).c_str(), O_RDWR | O_APPEND | O_CLOEXEC);
    if (seg.fd < 0) return core::unexpected("cannot open " + segment_path(seg.id).string() + ": " + errno_text(errno));
    if (auto r = recover_segment(seg, i + 1 == ids.size()); !r) {
      close_segment(seg, false);
      return core::unexpected(r.error());
    }
    if (seg.records == 0 || seg.first_seq <= last_seq_) {
      // Empty (crash right after creation) or out of order (not written by us): nothing to send.
      recovery_.discarded_bytes += seg.size;
      close_segment(seg, true);
      continue;
    }
    last_seq_ = seg.last_seq;
    disk_bytes_ += seg.size;
    ++recovery_.segments;
    segments_.push_back(seg);
  }
  unacked_ = recovery_.unacked;
  if (!segments_.empty() && segments_.back().size < limits_.segment_bytes) active_open_ = true;
  delete_delivered_segments();
  return {};
}

core::Result<void, std::string> Spool::recover_segment(Segment& seg, bool /*is_last*/) {
  const off_t end = ::lseek(seg.fd, 0, SEEK_END);
  if (end < 0) return core::unexpected("cannot size " + segment_path(seg.id).string() + ": " + errno_text(errno));
  const auto file_size = static_cast<std::uint64_t>(end);
  if (file_size > kMaxRecoverSegmentBytes) {
    return core::unexpected(segment_path(seg.id).string() + " is larger than any segment this sensor writes");
  }
  std::string data(file_size, '\0');
  auto got = pread_some(seg.fd, data.data(), data.size(), 0);
  if (!got) return core::unexpected("cannot read " + segment_path(seg.id).string() + ": " + got.error());
  data.resize(*got);
  std::size_t offset = 0;
  std::uint64_t previous = 0;
  while (offset < data.size()) {
    RecordView rec;
    if (decode_record(std::string_view(data).substr(offset), rec) != RecordStatus::ok || rec.seq <= previous) break;
    if (seg.records == 0) seg.first_seq = rec.seq;
    seg.last_seq = rec.seq;
    previous = rec.seq;
    ++seg.records;
    ++recovery_.records;
    if (rec.seq > acked_through_) ++recovery_.unacked;
    offset += rec.size;
  }
  if (offset < file_size) {
    // A torn tail (crash mid-write) or a corrupt record: keep the valid prefix only.
    recovery_.discarded_bytes += file_size - offset;
    if (::ftruncate(seg.fd, static_cast<off_t>(offset)) != 0) {
      return core::unexpected("cannot truncate " + segment_path(seg.id).string() + ": " + errno_text(errno));
    }
    seg.dirty = true;
  }
  seg.size = offset;
  return {};
}

core::Result<void, std::string> Spool::open_new_segment(std::uint64_t first_seq) {
  Segment seg;
  seg.id = first_seq;
  seg.fd = ::open(segment_path(seg.id).c_str(), O_RDWR | O_APPEND | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  if (seg.fd < 0) return core::unexpected("cannot create " + segment_path(seg.id).string() + ": " + errno_text(errno));
  segments_.push_back(seg);
  active_open_ = true;
  directory_dirty_ = true;
  return {};
}

void Spool::close_segment(Segment& seg, bool unlink_file) {
  if (seg.fd >= 0) ::close(seg.fd);
  seg.fd = -1;
  if (unlink_file) ::unlink(segment_path(seg.id).c_str());
}

Spool::Admission Spool::admit(std::size_t line_bytes, bool droppable) const {
  const std::uint64_t need = bytes() + kRecordHeaderBytes + line_bytes;
  if (need > limits_.max_bytes) return droppable ? Admission::refuse_telemetry : Admission::refuse_full;
  if (droppable && need > limits_.max_bytes / 100 * limits_.telemetry_percent) return Admission::refuse_telemetry;
  return Admission::accept;
}

core::Result<void, std::string> Spool::append(std::uint64_t seq, std::string_view line, Clock::time_point now) {
  if (line.size() > kMaxRecordPayload) return core::unexpected(std::string("event larger than the spool record limit"));
  const std::uint64_t record_size = kRecordHeaderBytes + line.size();
  if (active_open_) {
    const Segment& active = segments_.back();
    if (active.records + pending_records_ > 0 && active.size + pending_.size() + record_size > limits_.segment_bytes) {
      if (auto r = write_pending(now); !r) return r;
      active_open_ = false;  // closed for appends; still read and fsynced until delivered
    }
  }
  if (!active_open_) {
    if (auto r = open_new_segment(seq); !r) return r;
  }
  if (pending_records_ == 0) pending_first_seq_ = seq;
  pending_last_seq_ = seq;
  encode_record(pending_, seq, line);
  ++pending_records_;
  last_seq_ = seq;
  ++unacked_;
  return {};
}

core::Result<void, std::string> Spool::write_pending(Clock::time_point now, bool force_sync) {
  if (!pending_.empty()) {
    Segment& active = segments_.back();
    auto written = pwrite_all(active.fd, pending_);
    if (!written) {
      // Disk full or I/O error: cut back to the last whole record; these events are lost and the
      // worker reports them in a loss event.
      (void)::ftruncate(active.fd, static_cast<off_t>(active.size));
      lost_records_ += pending_records_;
      unacked_ -= std::min(unacked_, pending_records_);
      pending_.clear();
      pending_records_ = 0;
      return core::unexpected("spool write to " + segment_path(active.id).string() + " failed: " + written.error());
    }
    if (active.records == 0) active.first_seq = pending_first_seq_;
    active.last_seq = pending_last_seq_;
    active.records += pending_records_;
    active.size += pending_.size();
    active.dirty = true;
    disk_bytes_ += pending_.size();
    unsynced_records_ += pending_records_;
    if (!first_unsynced_) first_unsynced_ = now;
    pending_.clear();
    pending_records_ = 0;
  }
  bool due = force_sync && (unsynced_records_ > 0 || directory_dirty_);
  if (!due && unsynced_records_ > 0) {
    switch (policy_.mode) {
      case FsyncPolicy::Mode::always:
        due = true;
        break;
      case FsyncPolicy::Mode::batch:
        due = unsynced_records_ >= policy_.batch_events ||
              now - *first_unsynced_ >= std::chrono::milliseconds(policy_.interval_ms);
        break;
      case FsyncPolicy::Mode::interval:
        due = now - last_sync_ >= std::chrono::milliseconds(policy_.interval_ms);
        break;
    }
  }
  return due ? sync_now(now) : core::Result<void, std::string>{};
}

std::optional<Spool::Clock::time_point> Spool::sync_deadline() const {
  if (unsynced_records_ == 0 || !first_unsynced_) return std::nullopt;
  switch (policy_.mode) {
    case FsyncPolicy::Mode::always:
      return *first_unsynced_;
    case FsyncPolicy::Mode::batch:
      return *first_unsynced_ + std::chrono::milliseconds(policy_.interval_ms);
    case FsyncPolicy::Mode::interval:
      return last_sync_ + std::chrono::milliseconds(policy_.interval_ms);
  }
  return std::nullopt;
}

core::Result<void, std::string> Spool::sync_now(Clock::time_point now) {
  for (Segment& seg : segments_) {
    if (!seg.dirty) continue;
    if (::fdatasync(seg.fd) != 0) {
      return core::unexpected("fsync of " + segment_path(seg.id).string() + " failed: " + errno_text(errno));
    }
    seg.dirty = false;
  }
  if (directory_dirty_) {
    if (auto r = fsync_directory(dir_); !r) return r;
    directory_dirty_ = false;
  }
  ++fsyncs_;
  unsynced_records_ = 0;
  first_unsynced_.reset();
  last_sync_ = now;
  return {};
}

core::Result<std::size_t, std::string> Spool::read_after(std::uint64_t after_seq, std::size_t max_records,
                                                         std::size_t max_bytes, std::vector<SpoolRecord>& out) {
  out.clear();
  read_buf_.clear();
  std::size_t seg_index = 0;
  std::uint64_t offset = 0;
  if (cursor_valid_ && cursor_seq_ == after_seq) {
    while (seg_index < segments_.size() && segments_[seg_index].id != cursor_segment_) ++seg_index;
    if (seg_index < segments_.size()) offset = cursor_offset_;
  } else {
    while (seg_index < segments_.size() &&
           (segments_[seg_index].records == 0 || segments_[seg_index].last_seq <= after_seq)) {
      ++seg_index;
    }
  }
  struct Found {
    std::uint64_t seq;
    std::size_t begin;
    std::size_t length;
  };
  std::vector<Found> found;
  std::size_t total = 0;
  std::uint64_t last_returned = after_seq;
  while (seg_index < segments_.size() && found.size() < max_records && total < max_bytes) {
    const Segment& seg = segments_[seg_index];
    if (offset >= seg.size) {
      if (seg_index + 1 == segments_.size()) break;  // the active segment: nothing more written yet
      ++seg_index;
      offset = 0;
      continue;
    }
    std::size_t want = static_cast<std::size_t>(std::min<std::uint64_t>(seg.size - offset, kReadChunk));
    const std::size_t base = read_buf_.size();
    read_buf_.resize(base + want);
    auto got = pread_some(seg.fd, read_buf_.data() + base, want, offset);
    if (!got) return core::unexpected("cannot read " + segment_path(seg.id).string() + ": " + got.error());
    read_buf_.resize(base + *got);
    std::size_t pos = base;
    bool progressed = false;
    while (pos < read_buf_.size() && found.size() < max_records && total < max_bytes) {
      RecordView rec;
      const RecordStatus status = decode_record(std::string_view(read_buf_).substr(pos), rec);
      if (status == RecordStatus::incomplete) {
        if (!progressed && pos + kRecordHeaderBytes <= read_buf_.size()) {
          // One record larger than the chunk: read exactly it next time round.
          std::uint64_t length = 0;
          for (int i = 3; i >= 0; --i) {
            length = (length << 8) | static_cast<unsigned char>(read_buf_[pos + static_cast<std::size_t>(i)]);
          }
          read_buf_.resize(base);
          want = kRecordHeaderBytes + static_cast<std::size_t>(length);
          read_buf_.resize(base + want);
          auto again = pread_some(seg.fd, read_buf_.data() + base, want, offset);
          if (!again || *again != want) {
            return core::unexpected("short read in " + segment_path(seg.id).string());
          }
          continue;
        }
        break;
      }
      if (status == RecordStatus::corrupt) {
        return core::unexpected("corrupt record in " + segment_path(seg.id).string() + " at offset " +
                                std::to_string(offset + (pos - base)));
      }
      progressed = true;
      if (rec.seq > after_seq) {
        found.push_back(Found{rec.seq, pos + kRecordHeaderBytes, rec.payload.size()});
        total += rec.payload.size();
        last_returned = rec.seq;
      }
      pos += rec.size;
    }
    offset += pos - base;
    read_buf_.resize(pos);  // drop a trailing partial record; it is read again next time
    if (!progressed) break;
  }
  out.reserve(found.size());
  for (const Found& f : found) out.push_back(SpoolRecord{f.seq, std::string_view(read_buf_).substr(f.begin, f.length)});
  if (seg_index < segments_.size()) {
    cursor_valid_ = true;
    cursor_seq_ = last_returned;
    cursor_segment_ = segments_[seg_index].id;
    cursor_offset_ = offset;
  } else {
    cursor_valid_ = false;
  }
  return out.size();
}

void Spool::acknowledge(std::uint64_t through_seq, std::uint64_t records) {
  acked_through_ = std::max(acked_through_, through_seq);
  unacked_ -= std::min(unacked_, records);
  delete_delivered_segments();
}

void Spool::delete_delivered_segments() {
  while (!segments_.empty()) {
    Segment& front = segments_.front();
    if (front.records == 0 || front.last_seq > acked_through_) break;
    const bool is_active = active_open_ && segments_.size() == 1;
    if (is_active && pending_records_ > 0) break;
    if (cursor_valid_ && cursor_segment_ == front.id) cursor_valid_ = false;
    disk_bytes_ -= std::min(disk_bytes_, front.size);
    close_segment(front, true);
    segments_.pop_front();
    if (is_active) active_open_ = false;
  }
}

void Spool::persist_acked() {
  if (acked_through_ == acked_persisted_) return;
  if (replace_file(dir_ / "acked", std::to_string(acked_through_) + "\n", /*durable=*/false)) {
    acked_persisted_ = acked_through_;
  }
}

std::uint64_t Spool::bytes() const { return disk_bytes_ + pending_.size(); }

}  // namespace normwatch::publish
