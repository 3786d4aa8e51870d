// The evidence-slice reference in an event line, and the encodings its bytes travel in
// (slice_ref.hpp; issue 10 §2).
#include "normwatch/events/slice_ref.hpp"

#include <sodium.h>

#include <nlohmann/json.hpp>

#include "normwatch/events/chain.hpp"

namespace normwatch::events {

bool valid_slice_name(std::string_view name) {
  if (name.empty() || name.size() > kMaxSliceNameLength || name.front() == '.') return false;
  for (const char c : name) {
    const bool ok = (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '.' ||
                    c == '_' || c == '-';
    if (!ok) return false;
  }
  return true;
}

std::optional<SliceRef> read_slice_ref(std::string_view line) {
  if (line.find("\"slice") == std::string_view::npos) return std::nullopt;
  const auto j = nlohmann::json::parse(line, nullptr, /*allow_exceptions=*/false);
  if (!j.is_object()) return std::nullopt;
  const auto ev = j.find("evidence");
  if (ev == j.end() || !ev->is_object()) return std::nullopt;
  SliceRef ref;
  if (const auto d = ev->find("slice_dropped"); d != ev->end() && d->is_string()) {
    ref.dropped = d->get<std::string>();
    return ref;
  }
  const auto s = ev->find("slice");
  if (s == ev->end() || !s->is_object()) return std::nullopt;
  const auto text = [&](const char* key) {
    const auto it = s->find(key);
    return it != s->end() && it->is_string() ? it->get<std::string>() : std::string();
  };
  const auto number = [&](const char* key) {
    const auto it = s->find(key);
    return it != s->end() && it->is_number_unsigned() ? it->get<std::uint64_t>() : std::uint64_t{0};
  };
  ref.name = text("name");
  ref.sha256 = text("sha256");
  ref.frames = number("frames");
  ref.first_frame = number("first_frame");
  ref.last_frame = number("last_frame");
  return ref;
}

std::string sha256_hex(std::string_view bytes) {
  static const int kInit = sodium_init();  // idempotent; picks the fastest implementation
  (void)kInit;
  unsigned char digest[crypto_hash_sha256_BYTES];
  crypto_hash_sha256(digest, reinterpret_cast<const unsigned char*>(bytes.data()), bytes.size());
  return to_hex(std::span<const std::uint8_t>(digest, sizeof digest));
}

std::string to_base64(std::string_view bytes) {
  const std::size_t size = sodium_base64_encoded_len(bytes.size(), sodium_base64_VARIANT_ORIGINAL);
  std::string out(size, '\0');
  sodium_bin2base64(out.data(), size, reinterpret_cast<const unsigned char*>(bytes.data()), bytes.size(),
                    sodium_base64_VARIANT_ORIGINAL);
  out.resize(size - 1);  // the terminating NUL
  return out;
}

std::optional<std::string> from_base64(std::string_view text, std::size_t max_bytes) {
  if (text.size() / 4 * 3 > max_bytes + 3) return std::nullopt;
  std::string out(text.size() / 4 * 3 + 3, '\0');
  std::size_t len = 0;
  const char* end = nullptr;
  if (sodium_base642bin(reinterpret_cast<unsigned char*>(out.data()), out.size(), text.data(), text.size(), nullptr,
                        &len, &end, sodium_base64_VARIANT_ORIGINAL) != 0 ||
      end != text.data() + text.size() || len > max_bytes) {
    return std::nullopt;
  }
  out.resize(len);
  return out;
}

RecordParts split_attachment(std::string_view record) {
  const auto tab = record.find(kAttachmentSeparator);
  if (tab == std::string_view::npos) return {record, {}};
  return {record.substr(0, tab), record.substr(tab + 1)};
}

}  // namespace normwatch::events
