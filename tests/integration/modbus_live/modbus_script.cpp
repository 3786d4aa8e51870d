// The live test's script (see modbus_script.hpp): a scan of unassigned function codes, every
// public function libmodbus 3.1 serves, three requests its server answers with an exception, and
// requests on a second unit id. The
// expected decode lines follow decode-jsonl.md: a response carries its request's addr/qty/sub
// (normwatch pairs them by transaction and unit id).
#include "modbus_script.hpp"

#include <cerrno>
#include <cstdio>

namespace normwatch::live_test {

namespace {

std::string failed(const char* what, int rc) {
  char text[160];
  std::snprintf(text, sizeof text, "%s returned %d (%s)", what, rc, rc < 0 ? modbus_strerror(errno) : "unexpected count");
  return text;
}

// A libmodbus call that must succeed and return `want`.
std::string expect_rc(const char* what, int rc, int want) { return rc == want ? std::string() : failed(what, rc); }

// A libmodbus call that must fail with the exception `code` from the server.
std::string expect_exception(const char* what, int rc, int code) {
  if (rc == -1 && errno == MODBUS_ENOBASE + code) return {};
  char text[160];
  std::snprintf(text, sizeof text, "%s: expected exception %d, got rc %d (%s)", what, code, rc,
                rc < 0 ? modbus_strerror(errno) : "success");
  return text;
}

// A request libmodbus' client API cannot express, sent raw (libmodbus gives it transaction id 0);
// the server must answer with exception `code`.
std::string raw_exception(modbus_t* c, std::vector<std::uint8_t> pdu, int code) {
  std::vector<std::uint8_t> request{static_cast<std::uint8_t>(modbus_get_slave(c))};
  request.insert(request.end(), pdu.begin(), pdu.end());
  if (modbus_send_raw_request(c, request.data(), static_cast<int>(request.size())) < 0) {
    return failed("modbus_send_raw_request", -1);
  }
  std::uint8_t rsp[MODBUS_TCP_MAX_ADU_LENGTH];
  const int n = modbus_receive_confirmation(c, rsp);
  const int header = modbus_get_header_length(c);
  if (n != header + 2 || rsp[header] != (pdu[0] | 0x80) || rsp[header + 1] != code) {
    char text[160];
    std::snprintf(text, sizeof text, "raw fc %d: expected exception %d, got %d bytes (fc byte %d)", pdu[0], code, n,
                  n > header ? rsp[header] : -1);
    return text;
  }
  return {};
}

ExpectedPdu req(int fc, std::optional<int> addr = {}, std::optional<int> qty = {}) {
  ExpectedPdu p;
  p.unit = kFirstUnit;
  p.fc = fc;
  p.addr = addr;
  p.qty = qty;
  return p;
}

// The response to `request`: same unit and function, its addr/qty/waddr/wqty/sub.
ExpectedPdu answer(ExpectedPdu request, std::optional<int> exception = {}) {
  request.response = true;
  request.exception = exception;
  if (request.malformed) request.anomaly.clear();
  request.malformed = false;
  return request;
}

ExpectedPdu on_unit(ExpectedPdu p, int unit) {
  p.unit = unit;
  return p;
}

ExpectedPdu with_sub(ExpectedPdu p, int sub) {
  p.sub = sub;
  return p;
}

ExpectedPdu flagged(ExpectedPdu p, std::string anomaly) {
  p.malformed = true;
  p.anomaly = std::move(anomaly);
  return p;
}

ExpectedPdu noted(ExpectedPdu p, std::string anomaly) {
  p.anomaly = std::move(anomaly);
  return p;
}

ExpectedPdu read_write(int addr, int qty, int waddr, int wqty) {
  ExpectedPdu p = req(23, addr, qty);
  p.waddr = waddr;
  p.wqty = wqty;
  return p;
}

Step step(std::string name, std::function<std::string(modbus_t*)> run, ExpectedPdu request,
          std::optional<int> exception = {}) {
  return Step{std::move(name), std::move(run), request, answer(request, exception)};
}

// The first requests of the connection: a scan of unassigned function codes, each answered with
// illegal function. The flow must still be recognised as Modbus from content (zeek/zeek#3211:
// scans must stay visible) and every code reported raw, with the unassigned_function anomaly.
constexpr int kScanFirst = 29;
constexpr int kScanLast = 40;

std::vector<Step> make_script() {
  std::vector<Step> s;
  for (int fc = kScanFirst; fc <= kScanLast; ++fc) {
    const auto code = static_cast<std::uint8_t>(fc);
    s.push_back(step("scan: unassigned fc " + std::to_string(fc) + " (raw)", [code](modbus_t* c) {
      return raw_exception(c, {code, 0x00, 0x00, 0x00, 0x00}, MODBUS_EXCEPTION_ILLEGAL_FUNCTION);
    }, noted(req(fc), "modbus.unassigned_function"), MODBUS_EXCEPTION_ILLEGAL_FUNCTION));
  }
  s.push_back(step("read coils 0..9", [](modbus_t* c) {
    std::uint8_t bits[10];
    return expect_rc("modbus_read_bits", modbus_read_bits(c, 0, 10, bits), 10);
  }, req(1, 0, 10)));
  s.push_back(step("read discrete inputs 5..24", [](modbus_t* c) {
    std::uint8_t bits[20];
    return expect_rc("modbus_read_input_bits", modbus_read_input_bits(c, 5, 20, bits), 20);
  }, req(2, 5, 20)));
  s.push_back(step("read holding registers 10..17", [](modbus_t* c) {
    std::uint16_t regs[8];
    return expect_rc("modbus_read_registers", modbus_read_registers(c, 10, 8, regs), 8);
  }, req(3, 10, 8)));
  s.push_back(step("read input registers 20..23", [](modbus_t* c) {
    std::uint16_t regs[4];
    return expect_rc("modbus_read_input_registers", modbus_read_input_registers(c, 20, 4, regs), 4);
  }, req(4, 20, 4)));
  s.push_back(step("write single coil 7 on", [](modbus_t* c) {
    return expect_rc("modbus_write_bit", modbus_write_bit(c, 7, 1), 1);
  }, req(5, 7)));
  s.push_back(step("write single register 12 = 0x1234", [](modbus_t* c) {
    return expect_rc("modbus_write_register", modbus_write_register(c, 12, 0x1234), 1);
  }, req(6, 12)));
  s.push_back(step("write multiple coils 16..26", [](modbus_t* c) {
    const std::uint8_t bits[11] = {1, 0, 1, 1, 0, 0, 1, 0, 1, 1, 1};
    return expect_rc("modbus_write_bits", modbus_write_bits(c, 16, 11, bits), 11);
  }, req(15, 16, 11)));
  s.push_back(step("write multiple registers 30..34", [](modbus_t* c) {
    const std::uint16_t regs[5] = {100, 200, 300, 400, 500};
    return expect_rc("modbus_write_registers", modbus_write_registers(c, 30, 5, regs), 5);
  }, req(16, 30, 5)));
  s.push_back(step("mask write register 12", [](modbus_t* c) {
    return expect_rc("modbus_mask_write_register", modbus_mask_write_register(c, 12, 0x00F2, 0x0025), 1);
  }, req(22, 12)));
  s.push_back(step("read/write multiple: write 40..42, read 30..35", [](modbus_t* c) {
    const std::uint16_t write[3] = {7, 8, 9};
    std::uint16_t read[6];
    return expect_rc("modbus_write_and_read_registers", modbus_write_and_read_registers(c, 40, 3, write, 30, 6, read), 6);
  }, read_write(30, 6, 40, 3)));
  s.push_back(step("report server id", [](modbus_t* c) {
    std::uint8_t id[MODBUS_MAX_PDU_LENGTH];
    const int rc = modbus_report_slave_id(c, sizeof id, id);
    return rc > 1 ? std::string() : failed("modbus_report_slave_id", rc);
  }, req(17)));
  s.push_back(step("read holding registers 98..102: beyond the mapping", [](modbus_t* c) {
    std::uint16_t regs[5];
    return expect_exception("modbus_read_registers", modbus_read_registers(c, 98, 5, regs), MODBUS_EXCEPTION_ILLEGAL_DATA_ADDRESS);
  }, req(3, 98, 5), MODBUS_EXCEPTION_ILLEGAL_DATA_ADDRESS));
  s.push_back(step("diagnostics, return query data (raw): not served", [](modbus_t* c) {
    return raw_exception(c, {0x08, 0x00, 0x00, 0x12, 0x34}, MODBUS_EXCEPTION_ILLEGAL_FUNCTION);
  }, with_sub(req(8), 0), MODBUS_EXCEPTION_ILLEGAL_FUNCTION));
  s.push_back(step("read device identification (raw): not served", [](modbus_t* c) {
    return raw_exception(c, {0x2B, 0x0E, 0x01, 0x00}, MODBUS_EXCEPTION_ILLEGAL_FUNCTION);
  }, with_sub(req(43), 14), MODBUS_EXCEPTION_ILLEGAL_FUNCTION));
  // 126 registers: beyond the spec's 125, so normwatch flags the request; libmodbus' client API
  // refuses to send it, its server answers illegal data value.
  Step too_many = step("read 126 holding registers (raw): over the limit", [](modbus_t* c) {
    return raw_exception(c, {0x03, 0x00, 0x00, 0x00, 0x7E}, MODBUS_EXCEPTION_ILLEGAL_DATA_VALUE);
  }, req(3, 0, 126), MODBUS_EXCEPTION_ILLEGAL_DATA_VALUE);
  too_many.request = flagged(too_many.request, "modbus.bad_quantity");
  s.push_back(too_many);
  s.push_back(step("unit 2: read holding registers 0..4", [](modbus_t* c) {
    std::uint16_t regs[5];
    if (modbus_set_slave(c, kSecondUnit) != 0) return failed("modbus_set_slave", -1);
    return expect_rc("modbus_read_registers", modbus_read_registers(c, 0, 5, regs), 5);
  }, on_unit(req(3, 0, 5), kSecondUnit)));
  s.push_back(step("unit 2: write single register 3 = 42", [](modbus_t* c) {
    return expect_rc("modbus_write_register", modbus_write_register(c, 3, 42), 1);
  }, on_unit(req(6, 3), kSecondUnit)));
  s.push_back(step("unit 1 again: read coils 90..99", [](modbus_t* c) {
    std::uint8_t bits[10];
    if (modbus_set_slave(c, kFirstUnit) != 0) return failed("modbus_set_slave", -1);
    return expect_rc("modbus_read_bits", modbus_read_bits(c, 90, 10, bits), 10);
  }, req(1, 90, 10)));
  return s;
}

void put(std::string& out, const char* key, const std::optional<int>& v) {
  if (v) out += ",\"" + std::string(key) + "\":" + std::to_string(*v);
}

}  // namespace

const std::vector<Step>& script() {
  static const std::vector<Step> steps = make_script();
  return steps;
}

std::string to_json(const ExpectedPdu& pdu, int tid, const std::string& step) {
  std::string out = "{\"step\":\"" + step + "\",\"tid\":" + std::to_string(tid) + ",\"unit\":" + std::to_string(pdu.unit) +
                    ",\"fc\":" + std::to_string(pdu.fc) + ",\"response\":" + (pdu.response ? "true" : "false");
  put(out, "exception", pdu.exception);
  put(out, "addr", pdu.addr);
  put(out, "qty", pdu.qty);
  put(out, "waddr", pdu.waddr);
  put(out, "wqty", pdu.wqty);
  put(out, "sub", pdu.sub);
  if (pdu.malformed) out += ",\"malformed\":true";
  if (!pdu.anomaly.empty()) out += ",\"anomaly\":\"" + pdu.anomaly + "\"";
  return out + "}";
}

}  // namespace normwatch::live_test
