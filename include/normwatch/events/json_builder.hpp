// JsonBuilder: a core::FieldWriter that renders what it is given as one line of JSON with sorted
// keys (deterministic, so golden tests can diff it). The JSON library stays inside this module.
#pragma once

#include <memory>
#include <string>

#include "normwatch/core/field_writer.hpp"

namespace normwatch::events {

class JsonBuilder : public core::FieldWriter {
 public:
  JsonBuilder();
  ~JsonBuilder() override;
  JsonBuilder(const JsonBuilder&) = delete;
  JsonBuilder& operator=(const JsonBuilder&) = delete;

  void integer(std::string_view key, std::int64_t value) override;
  void unsigned_integer(std::string_view key, std::uint64_t value) override;
  void real(std::string_view key, double value) override;
  void boolean(std::string_view key, bool value) override;
  void string(std::string_view key, std::string_view value) override;
  void begin_object(std::string_view key) override;
  void end_object() override;
  void begin_array(std::string_view key) override;
  void end_array() override;

  // The object built so far as one line (no trailing newline). Unclosed objects/arrays are closed.
  std::string dump() const;
  // Starts a new top-level object.
  void clear();

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace normwatch::events
