// JsonBuilder over nlohmann::json: a stack of open containers; objects keep keys sorted (std::map),
// which is what makes decode and event lines byte-for-byte reproducible.
#include "normwatch/events/json_builder.hpp"

#include <nlohmann/json.hpp>

#include <vector>

namespace normwatch::events {

struct JsonBuilder::Impl {
  nlohmann::json root = nlohmann::json::object();
  std::vector<nlohmann::json*> stack{&root};

  void put(std::string_view key, nlohmann::json value) {
    nlohmann::json& top = *stack.back();
    if (top.is_array()) {
      top.push_back(std::move(value));
    } else {
      top[std::string(key)] = std::move(value);
    }
  }
  void open(std::string_view key, nlohmann::json value) {
    nlohmann::json& top = *stack.back();
    if (top.is_array()) {
      top.push_back(std::move(value));
      stack.push_back(&top.back());
    } else {
      nlohmann::json& slot = top[std::string(key)];
      slot = std::move(value);
      stack.push_back(&slot);
    }
  }
  void close() {
    if (stack.size() > 1) stack.pop_back();
  }
};

JsonBuilder::JsonBuilder() : impl_(std::make_unique<Impl>()) {}
JsonBuilder::~JsonBuilder() = default;

void JsonBuilder::integer(std::string_view key, std::int64_t value) { impl_->put(key, value); }
void JsonBuilder::unsigned_integer(std::string_view key, std::uint64_t value) { impl_->put(key, value); }
void JsonBuilder::real(std::string_view key, double value) { impl_->put(key, value); }
void JsonBuilder::boolean(std::string_view key, bool value) { impl_->put(key, value); }
void JsonBuilder::string(std::string_view key, std::string_view value) {
  // Replace invalid UTF-8 rather than throw: strings may come from hostile packets.
  impl_->put(key, nlohmann::json(std::string(value)));
}
void JsonBuilder::begin_object(std::string_view key) { impl_->open(key, nlohmann::json::object()); }
void JsonBuilder::end_object() { impl_->close(); }
void JsonBuilder::begin_array(std::string_view key) { impl_->open(key, nlohmann::json::array()); }
void JsonBuilder::end_array() { impl_->close(); }

std::string JsonBuilder::dump() const {
  return impl_->root.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

void JsonBuilder::clear() {
  impl_->root = nlohmann::json::object();
  impl_->stack.assign(1, &impl_->root);
}

}  // namespace normwatch::events
