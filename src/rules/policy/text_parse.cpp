// Scalar parsers for policy files (see text_parse.hpp): CIDR with host-bit check, MAC, RFC 3339
// (civil-date arithmetic, years 1970–2261 so that nanoseconds fit in 64 bits), address ranges.
#include "text_parse.hpp"

#include <charconv>
#include <cstddef>

namespace normwatch::rules::detail {

namespace {

std::string_view trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return s;
}

bool all_digits(std::string_view s) {
  if (s.empty()) return false;
  for (const char c : s) {
    if (c < '0' || c > '9') return false;
  }
  return true;
}

std::optional<std::uint64_t> parse_uint(std::string_view s, int base = 10) {
  if (s.empty()) return std::nullopt;
  std::uint64_t v = 0;
  const auto [ptr, ec] = std::from_chars(s.data(), s.data() + s.size(), v, base);
  if (ec != std::errc() || ptr != s.data() + s.size()) return std::nullopt;
  return v;
}

int hex_digit(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

// Days from 1970-01-01 to y-m-d in the proleptic Gregorian calendar (the civil_from_days inverse).
std::int64_t days_from_civil(std::int64_t y, unsigned m, unsigned d) {
  y -= m <= 2 ? 1 : 0;
  const std::int64_t era = (y >= 0 ? y : y - 399) / 400;
  const auto yoe = static_cast<unsigned>(y - era * 400);
  const unsigned doy = (153 * (m > 2 ? m - 3 : m + 9) + 2) / 5 + d - 1;
  const unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return era * 146097 + static_cast<std::int64_t>(doe) - 719468;
}

unsigned days_in_month(std::int64_t y, unsigned m) {
  static constexpr unsigned kDays[12] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  const bool leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
  return m == 2 && leap ? 29 : kDays[m - 1];
}

// Reads exactly n digits at s[pos...]; advances pos.
std::optional<unsigned> fixed_digits(std::string_view s, std::size_t& pos, std::size_t n) {
  if (pos + n > s.size()) return std::nullopt;
  unsigned v = 0;
  for (std::size_t i = 0; i < n; ++i) {
    const char c = s[pos + i];
    if (c < '0' || c > '9') return std::nullopt;
    v = v * 10 + static_cast<unsigned>(c - '0');
  }
  pos += n;
  return v;
}

bool expect(std::string_view s, std::size_t& pos, char c) {
  if (pos >= s.size() || s[pos] != c) return false;
  ++pos;
  return true;
}

struct Endpoint {
  std::uint64_t value = 0;
  bool reference = false;
};

char reference_prefix(DataTable table) {
  switch (table) {
    case DataTable::coils: return '0';
    case DataTable::discrete_inputs: return '1';
    case DataTable::input_registers: return '3';
    case DataTable::holding_registers: return '4';
    default: return 0;
  }
}

core::Result<Endpoint, std::string> parse_endpoint(std::string_view text, DataTable table) {
  text = trim(text);
  Endpoint e;
  if (text.size() > 2 && text[0] == '0' && (text[1] == 'x' || text[1] == 'X')) {
    const auto v = parse_uint(text.substr(2), 16);
    if (!v) return core::unexpected("'" + std::string(text) + "' is not a hex number");
    e.value = *v;
  } else {
    if (!all_digits(text)) return core::unexpected("'" + std::string(text) + "' is not an address");
    const auto v = parse_uint(text);
    if (!v) return core::unexpected("'" + std::string(text) + "' is too large");
    const char prefix = reference_prefix(table);
    if (prefix != 0 && (text.size() == 5 || text.size() == 6) && text[0] == prefix) {
      const std::uint64_t base = (prefix - '0') * (text.size() == 5 ? 10000ULL : 100000ULL);
      const std::uint64_t offset = *v - base;  // 1-based
      const std::uint64_t max_offset = text.size() == 5 ? 9999 : 65536;
      if (offset < 1 || offset > max_offset) {
        return core::unexpected("reference '" + std::string(text) + "' is outside " +
                                std::string(1, prefix) + (text.size() == 5 ? "0001-" : "00001-") +
                                std::string(1, prefix) + (text.size() == 5 ? "9999" : "65536"));
      }
      e.value = offset - 1;
      e.reference = true;
      return e;
    }
    e.value = *v;
  }
  const std::uint64_t max = table == DataTable::objects ? 0xFFFFFFFFULL : 0xFFFFULL;
  if (e.value > max) {
    return core::unexpected("address " + std::to_string(e.value) + " is above " + std::to_string(max));
  }
  return e;
}

}  // namespace

bool iequals(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (std::size_t i = 0; i < a.size(); ++i) {
    char x = a[i];
    char y = b[i];
    if (x >= 'A' && x <= 'Z') x = static_cast<char>(x - 'A' + 'a');
    if (y >= 'A' && y <= 'Z') y = static_cast<char>(y - 'A' + 'a');
    if (x != y) return false;
  }
  return true;
}

std::string to_lower(std::string_view s) {
  std::string out(s);
  for (char& c : out) {
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  }
  return out;
}

core::Result<Cidr, std::string> parse_cidr(std::string_view text) {
  text = trim(text);
  const std::size_t slash = text.find('/');
  if (slash == std::string_view::npos) {
    return core::unexpected(std::string("'") + std::string(text) +
                            "' is not a CIDR prefix (address/length); single hosts go under match.ip");
  }
  const auto address = core::IpAddress::parse(text.substr(0, slash));
  if (!address) return core::unexpected("'" + std::string(text.substr(0, slash)) + "' is not an IPv4 or IPv6 address");
  const std::string_view len_text = text.substr(slash + 1);
  const auto len = all_digits(len_text) && len_text.size() <= 3 ? parse_uint(len_text) : std::nullopt;
  const std::size_t bits = address->size() * 8;
  if (!len || *len > bits) {
    return core::unexpected("'" + std::string(len_text) + "' is not a prefix length (0-" + std::to_string(bits) + ")");
  }
  Cidr c;
  c.network = *address;
  c.prefix = static_cast<int>(*len);
  for (std::size_t i = 0; i < address->size(); ++i) {
    const std::size_t first_bit = i * 8;
    std::uint8_t mask = 0;
    if (first_bit + 8 <= *len) {
      mask = 0xFF;
    } else if (first_bit < *len) {
      mask = static_cast<std::uint8_t>(0xFF << (8 - (*len - first_bit)));
    }
    c.network.bytes[i] = static_cast<std::uint8_t>(address->bytes[i] & mask);
  }
  if (c.network != *address) {
    return core::unexpected("'" + std::string(text) + "' has host bits set; the network is " +
                            c.network.to_string() + "/" + std::to_string(c.prefix));
  }
  return c;
}

std::optional<std::array<std::uint8_t, 6>> parse_mac(std::string_view text) {
  text = trim(text);
  if (text.size() != 17) return std::nullopt;
  const char sep = text[2];
  if (sep != ':' && sep != '-') return std::nullopt;
  std::array<std::uint8_t, 6> mac{};
  for (std::size_t i = 0; i < 6; ++i) {
    const std::size_t at = i * 3;
    if (i > 0 && text[at - 1] != sep) return std::nullopt;
    const int hi = hex_digit(text[at]);
    const int lo = hex_digit(text[at + 1]);
    if (hi < 0 || lo < 0) return std::nullopt;
    mac[i] = static_cast<std::uint8_t>(hi * 16 + lo);
  }
  return mac;
}

core::Result<core::Timestamp, std::string> parse_rfc3339(std::string_view text) {
  const std::string quoted = "'" + std::string(text) + "'";
  const auto bad = [&](const char* why) { return core::unexpected(quoted + " is not an RFC 3339 time: " + why); };
  std::size_t p = 0;
  const auto year = fixed_digits(text, p, 4);
  if (!year || !expect(text, p, '-')) return bad("expected YYYY-MM-DD");
  const auto month = fixed_digits(text, p, 2);
  if (!month || !expect(text, p, '-')) return bad("expected YYYY-MM-DD");
  const auto day = fixed_digits(text, p, 2);
  if (!day) return bad("expected YYYY-MM-DD");
  if (p >= text.size() || (text[p] != 'T' && text[p] != 't' && text[p] != ' ')) return bad("expected 'T' and a time");
  ++p;
  const auto hour = fixed_digits(text, p, 2);
  if (!hour || !expect(text, p, ':')) return bad("expected hh:mm");
  const auto minute = fixed_digits(text, p, 2);
  if (!minute) return bad("expected hh:mm");
  unsigned second = 0;
  std::int64_t frac_ns = 0;
  if (p < text.size() && text[p] == ':') {
    ++p;
    const auto s = fixed_digits(text, p, 2);
    if (!s) return bad("expected ss after hh:mm:");
    second = *s;
    if (p < text.size() && text[p] == '.') {
      ++p;
      std::size_t digits = 0;
      std::int64_t scale = 100'000'000;
      while (p < text.size() && text[p] >= '0' && text[p] <= '9') {
        if (digits < 9) frac_ns += (text[p] - '0') * scale;
        scale /= 10;
        ++digits;
        ++p;
      }
      if (digits == 0) return bad("expected digits after '.'");
    }
  }
  std::int64_t offset_s = 0;
  if (p < text.size() && (text[p] == 'Z' || text[p] == 'z')) {
    ++p;
  } else if (p < text.size() && (text[p] == '+' || text[p] == '-')) {
    const int sign = text[p] == '-' ? -1 : 1;
    ++p;
    const auto oh = fixed_digits(text, p, 2);
    if (!oh || !expect(text, p, ':')) return bad("expected a +hh:mm offset");
    const auto om = fixed_digits(text, p, 2);
    if (!om || *oh > 23 || *om > 59) return bad("expected a +hh:mm offset");
    offset_s = sign * static_cast<std::int64_t>(*oh * 3600 + *om * 60);
  } else {
    return bad("a time zone ('Z' or +hh:mm) is required");
  }
  if (p != text.size()) return bad("unexpected text after the time zone");
  if (*year < 1970 || *year > 2261) return bad("year outside 1970-2261");
  if (*month < 1 || *month > 12) return bad("month outside 01-12");
  if (*day < 1 || *day > days_in_month(*year, *month)) return bad("no such day in that month");
  if (*hour > 23 || *minute > 59 || second > 60) return bad("time of day out of range");
  const std::int64_t days = days_from_civil(*year, *month, *day);
  const std::int64_t secs = days * 86400 + *hour * 3600 + *minute * 60 + second - offset_s;
  return core::Timestamp{secs * core::kNsPerSecond + frac_ns};
}

core::Result<AddressRange, std::string> parse_address_range(std::string_view text, DataTable table) {
  text = trim(text);
  const std::size_t dash = text.find('-');
  const std::string_view first_text = dash == std::string_view::npos ? text : text.substr(0, dash);
  const std::string_view last_text = dash == std::string_view::npos ? text : text.substr(dash + 1);
  const auto first = parse_endpoint(first_text, table);
  if (!first) return core::unexpected(first.error());
  const auto last = parse_endpoint(last_text, table);
  if (!last) return core::unexpected(last.error());
  if (first->reference != last->reference) {
    return core::unexpected("'" + std::string(text) +
                            "' mixes a 1-based reference and a plain 0-based address; use one notation");
  }
  if (first->value > last->value) return core::unexpected("'" + std::string(text) + "' ends before it starts");
  return AddressRange{static_cast<std::uint32_t>(first->value), static_cast<std::uint32_t>(last->value)};
}

}  // namespace normwatch::rules::detail
