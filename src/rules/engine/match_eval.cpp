// PDU match evaluation (see match_eval.hpp). Cheapest tests first; the policy predicates last, so
// that a clause that needs a policy is only reported as silent when everything else matched.
#include "match_eval.hpp"

#include "normwatch/protocols/dnp3/pdu.hpp"

namespace normwatch::rules::engine::detail {

namespace {

bool tri_ok(Tri t, bool v) { return t == Tri::any || (t == Tri::yes) == v; }

bool set_ok(const std::optional<ValueSet>& s, std::int64_t v) { return !s || s->contains(v); }

// Some object header of the fragment has a group (and variation) in the sets.
bool objects_ok(const Match& m, const PduFacts& f) {
  if (!m.group) return true;
  const auto* pdu = f.record != nullptr ? f.record->as<protocols::dnp3::Pdu>() : nullptr;
  if (pdu == nullptr || !pdu->has_app) return false;
  for (const auto& o : pdu->app.objects) {
    if (m.group->contains(o.group) && set_ok(m.variation, o.variation)) return true;
  }
  return false;
}

}  // namespace

MatchResult match_pdu(const Match& m, const PduFacts& f, PolicySource* source, bool check_function) {
  if (m.protocol != protocols::ProtocolId::unknown && m.protocol != f.protocol) return MatchResult::no;
  if (check_function && !set_ok(m.function, f.function)) return MatchResult::no;
  if (m.direction == Direction::from_master && !f.from_master) return MatchResult::no;
  if (m.direction == Direction::from_outstation && f.from_master) return MatchResult::no;
  // The flag checks reject the broad clauses (broadcasts, IIN bits) in a compare or two.
  if (!tri_ok(m.broadcast, f.broadcast) || !tri_ok(m.malformed, f.malformed)) return MatchResult::no;
  if (m.iin_any != 0 && (!f.has_iin || (f.iin & m.iin_any) == 0)) return MatchResult::no;
  if (m.sub && (f.sub < 0 || !m.sub->contains(f.sub))) return MatchResult::no;
  if (m.exception && (f.exception < 0 || !m.exception->contains(f.exception))) return MatchResult::no;
  if (m.unit && (f.unit < 0 || !m.unit->contains(f.unit))) return MatchResult::no;
  if (m.cot && (f.cot < 0 || !m.cot->contains(f.cot))) return MatchResult::no;
  if (m.qualifier && (f.qualifier < 0 || !m.qualifier->contains(f.qualifier))) return MatchResult::no;
  if (m.address && (f.address < 0 || !m.address->contains(f.address))) return MatchResult::no;
  if (m.classes != 0 && (m.classes & (1U << static_cast<unsigned>(f.function_class))) == 0) return MatchResult::no;
  if (!objects_ok(m, f)) return MatchResult::no;

  if (m.master_listed != Tri::any) {
    const int listed = source != nullptr ? source->master_listed() : -1;
    if (listed < 0) return MatchResult::needs_policy;
    if (!tri_ok(m.master_listed, listed == 1)) return MatchResult::no;
  }
  if (!m.master_not_roles.empty()) {
    const FlowPolicy* policy = source != nullptr ? source->flow_policy() : nullptr;
    if (policy == nullptr) return MatchResult::needs_policy;
    for (const auto& role : m.master_not_roles) {
      if (policy->master_zone != nullptr && policy->master_zone->has_role(role)) return MatchResult::no;
    }
  }
  return MatchResult::yes;
}

}  // namespace normwatch::rules::engine::detail
