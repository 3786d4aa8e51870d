// The known script the live Modbus test runs between a real libmodbus client and server (issue 3
// item 6): each step is one request, performed with libmodbus' own client calls, and the decode
// lines it must produce (request and response, in the keys of shared/design/decode-jsonl.md).
#pragma once

#include <modbus/modbus.h>

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

namespace normwatch::live_test {

// The mapping the server holds: addresses 0..kMappingSize-1 of each table exist.
inline constexpr int kMappingSize = 100;
inline constexpr int kFirstUnit = 1;
inline constexpr int kSecondUnit = 2;

// The keys of one expected decode line (absent keys must be absent from the line).
struct ExpectedPdu {
  int unit = 0;
  int fc = 0;
  bool response = false;
  std::optional<int> exception;
  std::optional<int> addr;
  std::optional<int> qty;
  std::optional<int> waddr;
  std::optional<int> wqty;
  std::optional<int> sub;
  bool malformed = false;  // normwatch must flag the PDU (a request outside the spec's limits)
  std::string anomaly;     // the anomaly normwatch must report for this PDU, if any
};

struct Step {
  std::string name;
  // Performs the request on a connected client; returns "" when libmodbus saw the expected
  // outcome, else what went wrong.
  std::function<std::string(modbus_t* client)> run;
  ExpectedPdu request;
  ExpectedPdu response;
};

// The script, in the order the client runs it.
const std::vector<Step>& script();

// One expected line as JSON (with "tid"), for the driver to compare with `normwatch decode`.
std::string to_json(const ExpectedPdu& pdu, int tid, const std::string& step);

}  // namespace normwatch::live_test
