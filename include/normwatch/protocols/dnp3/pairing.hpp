// Request/response pairing for DNP3 (IEEE 1815-2012 clause 4.2.2.4): a master has at most one
// outstanding request per outstation; the response carries the request's application sequence
// number, and each further fragment of a multi-fragment response the next one (mod 16). An SA
// challenge (function 0x83) answers a request without ending it. Bounded table, no allocation
// after construction.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <vector>

#include "normwatch/protocols/dnp3/pdu.hpp"

namespace normwatch::protocols::dnp3 {

class RequestTracker {
 public:
  explicit RequestTracker(std::size_t capacity);

  struct AddResult {
    bool replaced = false;  // an older request to the same outstation was still unanswered
    bool evicted = false;   // the table was full: the oldest pending request was dropped
  };
  AddResult on_request(std::uint16_t master, std::uint16_t outstation, std::uint8_t seq, std::uint8_t function);

  // The function code of the request a response fragment answers, or nullopt when none matches.
  std::optional<std::uint8_t> on_response(std::uint16_t master, std::uint16_t outstation, const AppControl& control,
                                          std::uint8_t function);

  std::size_t pending() const;
  // Forgets every pending request (end of flow); returns how many were unanswered.
  std::size_t clear();

 private:
  struct Entry {
    bool used = false;
    std::uint16_t master = 0;
    std::uint16_t outstation = 0;
    std::uint8_t seq = 0;
    std::uint8_t function = 0;
    std::uint64_t order = 0;
  };
  Entry* find(std::uint16_t master, std::uint16_t outstation);

  std::vector<Entry> entries_;
  std::size_t used_ = 0;   // entries in use: an empty table answers at once
  std::size_t last_ = 0;   // the entry used last: one master polling one outstation hits it
  std::uint64_t order_ = 0;
};

}  // namespace normwatch::protocols::dnp3
