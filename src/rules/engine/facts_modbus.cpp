// PduFacts of a Modbus/TCP PDU (Modbus Application Protocol v1.1b3 §6): function with the
// exception bit cleared, FC8 sub-function / FC43 MEI type / FC90 UMAS code, exception code, unit,
// function class (rules/function_classes.hpp), and which table, first address and how many items
// a read or write concerns (for responses, those of the paired request).
#include <array>

#include "normwatch/protocols/modbus/pdu.hpp"
#include "facts_head.hpp"
#include "normwatch/rules/engine/facts_extract.hpp"
#include "normwatch/rules/function_classes.hpp"

namespace normwatch::rules::engine {

namespace {

// The data table each public function reads or writes (§4.3 data model), indexed by FC.
constexpr std::array<DataTable, 25> kTables = [] {
  std::array<DataTable, 25> t{};
  t[1] = DataTable::coils;
  t[2] = DataTable::discrete_inputs;
  t[3] = DataTable::holding_registers;
  t[4] = DataTable::input_registers;
  t[5] = DataTable::coils;
  t[6] = DataTable::holding_registers;
  t[15] = DataTable::coils;
  t[16] = DataTable::holding_registers;
  t[22] = DataTable::holding_registers;
  t[23] = DataTable::holding_registers;
  t[24] = DataTable::holding_registers;
  return t;
}();

// The class of each function code when its sub-code does not matter, and which codes it does
// matter for, worked out once from modbus_class() itself (so they never disagree): the per-PDU
// path is then a table read for all but FC 8, 43 and 90.
struct ClassCache {
  std::array<FunctionClass, 128> plain{};
  std::array<bool, 128> by_sub{};
  ClassCache() {
    for (int fc = 0; fc < 128; ++fc) {
      plain[static_cast<std::size_t>(fc)] = modbus_class(fc, -1);
      for (int sub = 0; sub < 256 && !by_sub[static_cast<std::size_t>(fc)]; ++sub) {
        by_sub[static_cast<std::size_t>(fc)] = modbus_class(fc, sub) != plain[static_cast<std::size_t>(fc)];
      }
    }
  }
};
const ClassCache kClasses;

}  // namespace

namespace detail {

void modbus_rest(const protocols::modbus::Pdu& p, PduFacts& f, bool light) {
  using protocols::modbus::kFieldAddress;
  f.malformed = p.malformed.present();
  if (const auto sub = p.sub_function()) f.sub = *sub;
  f.unit = p.mbap.unit_id;
  f.broadcast = f.from_master && p.mbap.unit_id == 0;
  if (light) return;
  const auto fc = static_cast<std::size_t>(f.function);
  f.function_class = kClasses.by_sub[fc] ? modbus_class(f.function, f.sub) : kClasses.plain[fc];
  if (f.function < static_cast<std::int32_t>(kTables.size())) f.table = kTables[static_cast<std::size_t>(f.function)];

  // What is written, if anything (FC23 writes one range and reads another: the write counts).
  if (const auto waddr = p.write_start_address()) {
    f.address = *waddr;
    f.count = p.write_count().value_or(0);
  } else if (const auto addr = p.start_address()) {
    f.address = *addr;
    const bool single = f.function == 5 || f.function == 6 || f.function == 22;
    f.count = single ? 1 : p.count().value_or(0);
  } else if (f.function == 24 && p.has(kFieldAddress)) {
    f.address = p.address;  // FIFO pointer
  }
}

}  // namespace detail

void modbus_facts(const protocols::modbus::Pdu& p, PduFacts& f) {
  detail::modbus_head(p, f);
  detail::modbus_rest(p, f, false);
}

}  // namespace normwatch::rules::engine
