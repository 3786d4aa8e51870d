// Per-PDU policy checks (NORMS-AND-RULES.md §3.3; issue 6): POL-MASTER, POL-CLASS, POL-UNIT,
// POL-RANGE, POL-WINDOW against the conduit of the PDU's zone pair and protocol, POL-RATE over
// the conduit's per-minute limits, and SG-03 (program, mode or file functions from a zone without
// the engineering role). A PDU that breaks nothing costs two zone lookups and a few compares; no
// allocation.
#include <bit>

#include "check_common.hpp"
#include "policy_data.hpp"
#include "protocol_names.hpp"

namespace normwatch::rules {

namespace {

using namespace detail;

enum Violation : std::uint32_t {
  kMasterBit = 1u << 0,
  kClassBit = 1u << 1,
  kUnitBit = 1u << 2,
  kRangeBit = 1u << 3,
  kWindowBit = 1u << 4,
};

std::uint32_t class_bit(FunctionClass c) { return 1u << static_cast<unsigned>(c); }

bool is_engineering_class(FunctionClass c) {
  return c == FunctionClass::program || c == FunctionClass::mode || c == FunctionClass::file;
}

// Whether [address, address + count) lies inside the union of the conduit's ranges for `table`.
bool covered(const CompiledConduit& c, DataTable table, std::int64_t address, std::uint32_t count) {
  std::int64_t cur = address;
  const std::int64_t end = address + (count == 0 ? 1 : count) - 1;
  for (const WriteRange& r : c.ranges) {
    if (r.table != table) continue;
    if (r.first > cur) return false;  // sorted by first: nothing later can cover `cur`
    if (r.last >= cur) {
      cur = static_cast<std::int64_t>(r.last) + 1;
      if (cur > end) return true;
    }
  }
  return false;
}

std::uint32_t violations(const CompiledConduit& cc, const Conduit& c, const FlowFacts& flow, const PduFacts& pdu,
                         core::Timestamp ts) {
  std::uint32_t v = 0;
  if (!master_listed(cc, flow.client_ip)) v |= kMasterBit;
  const FunctionClass cls = pdu.function_class;
  // `other` (confirms, keep-alives, responses) is not policy vocabulary: always allowed here.
  if (cc.class_mask != 0 && cls != FunctionClass::other && (cc.class_mask & class_bit(cls)) == 0) v |= kClassBit;
  if (!cc.units.empty() && pdu.unit >= 0 && !std::binary_search(cc.units.begin(), cc.units.end(), pdu.unit)) {
    v |= kUnitBit;
  }
  if (!cc.ranges.empty() && (cls == FunctionClass::write || cls == FunctionClass::control) &&
      pdu.table != DataTable::none && pdu.address >= 0 && !covered(cc, pdu.table, pdu.address, pdu.count)) {
    v |= kRangeBit;
  }
  if (!window_open(c, ts)) v |= kWindowBit;
  return v;
}

std::string_view table_name(DataTable t) {
  switch (t) {
    case DataTable::coils: return "coils";
    case DataTable::discrete_inputs: return "discrete_inputs";
    case DataTable::input_registers: return "input_registers";
    case DataTable::holding_registers: return "holding_registers";
    case DataTable::objects: return "objects";
    case DataTable::none: break;
  }
  return "none";
}

std::string pdu_label(const PduFacts& pdu) {
  std::string s = std::string(protocols::name(pdu.protocol)) + " function " + std::to_string(pdu.function);
  if (pdu.sub >= 0) s += "/" + std::to_string(pdu.sub);
  return s + " (class " + std::string(name(pdu.function_class)) + ")";
}

template <class T, class F>
std::string join(const std::vector<T>& items, F&& f) {
  std::string out;
  for (const T& i : items) out += (out.empty() ? "" : ", ") + f(i);
  return out.empty() ? "none" : out;
}

void report(std::vector<PolicyFinding>& out, const PolicyData& d, std::uint32_t conduit, std::uint32_t v,
            const FlowFacts& flow, const PduFacts& pdu, std::int32_t cz, std::int32_t sz) {
  const Conduit& c = d.conduits[conduit];
  const std::string clause = "conduit " + c.id;
  const std::string where = " (" + describe_flow(d, flow, cz, sz) + ")";
  if ((v & kMasterBit) != 0) {
    add_finding(out, d, policy_rule::kMaster, clause,
                flow.client_ip.to_string() + " sent " + pdu_label(pdu) + " but is not a master of conduit " + c.id +
                    " (masters: " + join(c.masters, [](const core::IpAddress& a) { return a.to_string(); }) + ")" +
                    where,
                cz, sz);
  }
  if ((v & kClassBit) != 0) {
    add_finding(out, d, policy_rule::kClass, clause,
                pdu_label(pdu) + " is not allowed by conduit " + c.id + " (classes: " +
                    join(c.classes, [](FunctionClass f) { return std::string(name(f)); }) + ")" + where,
                cz, sz);
  }
  if ((v & kUnitBit) != 0) {
    add_finding(out, d, policy_rule::kUnit, clause,
                "unit " + std::to_string(pdu.unit) + " is not allowed by conduit " + c.id + " (units: " +
                    join(c.units, [](std::int64_t u) { return std::to_string(u); }) + ")" + where,
                cz, sz);
  }
  if ((v & kRangeBit) != 0) {
    const std::int64_t last = pdu.address + (pdu.count == 0 ? 1 : pdu.count) - 1;
    add_finding(out, d, policy_rule::kRange, clause,
                pdu_label(pdu) + " writes " + std::string(table_name(pdu.table)) + " " + std::to_string(pdu.address) +
                    (last != pdu.address ? "-" + std::to_string(last) : std::string()) +
                    " (0-based), outside the write_ranges of conduit " + c.id + where,
                cz, sz);
  }
  if ((v & kWindowBit) != 0) {
    add_finding(out, d, policy_rule::kWindow, clause,
                pdu_label(pdu) + " outside every window of conduit " + c.id + " (tickets: " +
                    join(c.windows, [](const MaintenanceWindow& w) { return w.ticket; }) + ")" + where,
                cz, sz);
  }
}

}  // namespace

void Policy::check_pdu(const FlowFacts& flow, const PduFacts& pdu, core::Timestamp ts,
                       std::vector<PolicyFinding>& out) {
  if (!pdu.from_master) return;
  const PolicyData& d = impl_->data;
  const std::int32_t cz = d.index.lookup(flow.client_ip, flow.vlan, flow.client_mac).zone;
  const std::int32_t sz = d.index.lookup(flow.server_ip, flow.vlan, flow.server_mac).zone;
  const FunctionClass cls = pdu.function_class;

  // The conduit that judges this PDU: one that allows it entirely, else the one it breaks least
  // (the first in file order on a tie), so that findings name the clause the operator meant.
  std::int32_t best = -1;
  std::uint32_t best_v = 0;
  if (cz >= 0 && sz >= 0) {
    const auto [lo, hi] = conduits_of(d, cz, sz);
    for (auto it = lo; it != hi; ++it) {
      const CompiledConduit& cc = d.compiled[it->conduit];
      if (!protocol_matches(cc.protocol, pdu.protocol, flow.app_name)) continue;
      const std::uint32_t v = violations(cc, d.conduits[it->conduit], flow, pdu, ts);
      if (best < 0 || std::popcount(v) < std::popcount(best_v)) {
        best = static_cast<std::int32_t>(it->conduit);
        best_v = v;
      }
      if (v == 0) break;
    }
  }

  if (best >= 0) {
    const auto k = static_cast<std::uint32_t>(best);
    if (best_v != 0) report(out, d, k, best_v, flow, pdu, cz, sz);
    const Conduit& c = d.conduits[k];
    const auto rate = [&](RateKind kind, std::uint32_t limit, std::string_view what, std::string_view key) {
      const RateTable::Outcome o = impl_->rates.add(k, flow.client_ip, kind, ts, limit);
      if (!o.crossed) return;
      add_finding(out, d, policy_rule::kRate, "conduit " + c.id,
                  std::to_string(o.count) + " " + std::string(what) + " from " + flow.client_ip.to_string() +
                      " within 60 s exceed conduit " + c.id + "'s rate." + std::string(key) + " of " +
                      std::to_string(limit) + " (" + describe_flow(d, flow, cz, sz) + ")",
                  cz, sz);
    };
    if (cls == FunctionClass::write && c.write_per_min) rate(RateKind::write, *c.write_per_min, "writes", "write_per_min");
    if (cls == FunctionClass::control && c.commands_per_min) {
      rate(RateKind::command, *c.commands_per_min, "commands", "commands_per_min");
    }
  }

  if (is_engineering_class(cls) && !(cz >= 0 && d.flags[static_cast<std::size_t>(cz)].engineering)) {
    // Excused only by a conduit that allows this class by name, to this master, inside a window.
    bool excused = false;
    if (best >= 0 && best_v == 0) {
      const CompiledConduit& cc = d.compiled[static_cast<std::size_t>(best)];
      const Conduit& c = d.conduits[static_cast<std::size_t>(best)];
      excused = (cc.class_mask & class_bit(cls)) != 0 && !c.windows.empty();
    }
    if (!excused) {
      add_finding(out, d, policy_rule::kProgramFromNonEngineering,
                  cz >= 0 ? "zone " + d.zones[static_cast<std::size_t>(cz)].id + " roles" : std::string("no zone"),
                  pdu_label(pdu) + " from " + flow.client_ip.to_string() + ", whose " +
                      (cz >= 0 ? "zone " + d.zones[static_cast<std::size_t>(cz)].id + " lacks role engineering"
                               : std::string("address is in no zone")) +
                      " (" + describe_flow(d, flow, cz, sz) + ")",
                  cz, sz);
    }
  }
}

}  // namespace normwatch::rules
