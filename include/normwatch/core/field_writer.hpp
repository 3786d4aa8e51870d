// FieldWriter: how a decoded PDU or an event describes its fields without knowing the output
// format. Protocols write their fields through it; the events module renders them as JSON.
// Inside an array the key is ignored (pass {}).
#pragma once

#include <cstdint>
#include <string_view>

namespace normwatch::core {

class FieldWriter {
 public:
  virtual ~FieldWriter() = default;

  virtual void integer(std::string_view key, std::int64_t value) = 0;
  virtual void unsigned_integer(std::string_view key, std::uint64_t value) = 0;
  virtual void real(std::string_view key, double value) = 0;
  virtual void boolean(std::string_view key, bool value) = 0;
  virtual void string(std::string_view key, std::string_view value) = 0;
  virtual void begin_object(std::string_view key) = 0;
  virtual void end_object() = 0;
  virtual void begin_array(std::string_view key) = 0;
  virtual void end_array() = 0;
};

}  // namespace normwatch::core
