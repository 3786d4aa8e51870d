// Durable, block-reserved sequence numbers (see sequence_store.hpp for the crash argument).
#include "normwatch/publish/sequence_store.hpp"

#include <charconv>
#include <chrono>
#include <limits>
#include <sstream>

#include "normwatch/publish/durable_file.hpp"

namespace normwatch::publish {

namespace {

constexpr std::string_view kHeader = "normwatch-sequence/1";

struct StoredState {
  std::uint64_t epoch = 0;
  std::uint64_t next = 1;
};

bool parse_u64(std::string_view text, std::uint64_t& out) {
  const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), out);
  return ec == std::errc() && end == text.data() + text.size();
}

core::Result<StoredState, std::string> parse_state(const std::string& text, const std::string& where) {
  std::istringstream in(text);
  std::string line;
  StoredState s;
  bool header = false;
  bool have_epoch = false;
  bool have_next = false;
  while (std::getline(in, line)) {
    if (line == kHeader) {
      header = true;
    } else if (line.starts_with("epoch ")) {
      have_epoch = parse_u64(std::string_view(line).substr(6), s.epoch);
    } else if (line.starts_with("next ")) {
      have_next = parse_u64(std::string_view(line).substr(5), s.next);
    }
  }
  if (!header || !have_epoch || !have_next || s.next == 0) {
    return core::unexpected(where + " is corrupt; refusing to guess sequence numbers (move it away only if the "
                                    "spool and collector agree the sensor may start a fresh sequence)");
  }
  return s;
}

}  // namespace

core::Result<SequenceStore, std::string> SequenceStore::open(const std::filesystem::path& dir, std::uint64_t block,
                                                             std::int64_t now_unix_seconds) {
  std::error_code ec;
  std::filesystem::create_directories(dir, ec);
  if (ec) return core::unexpected("cannot create " + dir.string() + ": " + ec.message());
  SequenceStore store;
  store.durable_ = true;
  store.block_ = block == 0 ? kDefaultBlock : block;
  store.state_path_ = dir / "sequence.state";
  StoredState previous;
  if (std::filesystem::exists(store.state_path_)) {
    auto text = read_small_file(store.state_path_);
    if (!text) return core::unexpected(text.error());
    auto parsed = parse_state(*text, store.state_path_.string());
    if (!parsed) return core::unexpected(parsed.error());
    previous = *parsed;
  }
  if (now_unix_seconds < 0) {
    now_unix_seconds =
        std::chrono::duration_cast<std::chrono::seconds>(std::chrono::system_clock::now().time_since_epoch()).count();
  }
  store.epoch_ = std::max(previous.epoch + 1, static_cast<std::uint64_t>(now_unix_seconds));
  store.next_ = previous.next;
  // Reserve the first block before the first number is used.
  if (auto r = store.persist(store.next_ + store.block_); !r) return core::unexpected(r.error());
  return store;
}

SequenceStore SequenceStore::ephemeral() {
  SequenceStore store;
  store.limit_ = std::numeric_limits<std::uint64_t>::max();
  return store;
}

core::Result<void, std::string> SequenceStore::persist(std::uint64_t limit) {
  std::string text(kHeader);
  text += "\nepoch " + std::to_string(epoch_) + "\nnext " + std::to_string(limit) + "\n";
  if (auto r = replace_file(state_path_, text, /*durable=*/true); !r) return core::unexpected(r.error());
  limit_ = limit;
  return {};
}

core::Result<void, std::string> SequenceStore::advance_past(std::uint64_t n) {
  if (next_ > n) return {};
  next_ = n + 1;
  if (durable_ && next_ >= limit_) return persist(next_ + block_);
  return {};
}

core::Result<std::uint64_t, std::string> SequenceStore::next() {
  if (next_ >= limit_) {
    if (!durable_) return core::unexpected(std::string("sequence numbers exhausted"));
    if (auto r = persist(next_ + block_); !r) return core::unexpected(r.error());
  }
  return next_++;
}

}  // namespace normwatch::publish
