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

// The policy predicates, last: a clause is reported as silent without a policy only when
// everything else matched.
MatchResult policy_ok(const Match& m, PolicySource* source) {
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
  return policy_ok(m, source);
}

PduCheck compile_check(const Match& m, std::deque<ObjectFilter>& filters) {
  PduCheck k;
  k.match = &m;
  if (m.broadcast != Tri::any) {
    k.tests |= PduCheck::kBroadcast;
    k.broadcast = m.broadcast == Tri::yes;
  }
  if (m.malformed != Tri::any) {
    k.tests |= PduCheck::kMalformed;
    k.malformed = m.malformed == Tri::yes;
  }
  if (m.iin_any != 0) k.tests |= PduCheck::kIin;
  k.iin_any = m.iin_any;
  if (m.sub) k.tests |= PduCheck::kSub;
  if (m.exception) k.tests |= PduCheck::kException;
  if (m.unit) k.tests |= PduCheck::kUnit;
  if (m.cot) k.tests |= PduCheck::kCot;
  if (m.qualifier) k.tests |= PduCheck::kQualifier;
  if (m.address) k.tests |= PduCheck::kAddress;
  if (m.classes != 0) k.tests |= PduCheck::kClasses;
  k.classes = m.classes;
  if (m.group) {
    k.tests |= PduCheck::kObjects;
    ObjectFilter& filter = filters.emplace_back();
    for (std::int64_t v = 0; v < 256; ++v) {
      filter.groups[static_cast<std::size_t>(v)] = m.group->contains(v);
      if (m.variation) filter.variations[static_cast<std::size_t>(v)] = m.variation->contains(v);
    }
    filter.any_variation = !m.variation;
    k.objects = &filter;
  }
  if (m.master_listed != Tri::any || !m.master_not_roles.empty()) k.tests |= PduCheck::kPolicy;
  return k;
}

namespace {

bool in_set(const std::optional<ValueSet>& s, std::int64_t v) { return v >= 0 && s->contains(v); }

// objects_ok with the compiled filter.
bool objects_pass(const ObjectFilter& filter, const PduFacts& f) {
  const auto* pdu = f.record != nullptr ? f.record->as<protocols::dnp3::Pdu>() : nullptr;
  if (pdu == nullptr || !pdu->has_app) return false;
  for (const auto& o : pdu->app.objects) {
    if (filter.groups[o.group] && (filter.any_variation || filter.variations[o.variation])) return true;
  }
  return false;
}

}  // namespace

MatchResult match_tests(const PduCheck& k, const PduFacts& f, PolicySource* source) {
  using K = PduCheck;
  const std::uint16_t t = k.tests;
  const Match& m = *k.match;
  if ((t & K::kBroadcast) != 0 && f.broadcast != k.broadcast) return MatchResult::no;
  if ((t & K::kMalformed) != 0 && f.malformed != k.malformed) return MatchResult::no;
  if ((t & K::kIin) != 0 && (!f.has_iin || (f.iin & k.iin_any) == 0)) return MatchResult::no;
  if ((t & (K::kSub | K::kException | K::kUnit | K::kCot | K::kQualifier | K::kAddress | K::kClasses |
            K::kObjects)) != 0) {
    if ((t & K::kSub) != 0 && !in_set(m.sub, f.sub)) return MatchResult::no;
    if ((t & K::kException) != 0 && !in_set(m.exception, f.exception)) return MatchResult::no;
    if ((t & K::kUnit) != 0 && !in_set(m.unit, f.unit)) return MatchResult::no;
    if ((t & K::kCot) != 0 && !in_set(m.cot, f.cot)) return MatchResult::no;
    if ((t & K::kQualifier) != 0 && !in_set(m.qualifier, f.qualifier)) return MatchResult::no;
    if ((t & K::kAddress) != 0 && !in_set(m.address, f.address)) return MatchResult::no;
    if ((t & K::kClasses) != 0 && (k.classes & (1U << static_cast<unsigned>(f.function_class))) == 0) {
      return MatchResult::no;
    }
    if ((t & K::kObjects) != 0 && !objects_pass(*k.objects, f)) return MatchResult::no;
  }
  return (t & K::kPolicy) != 0 ? policy_ok(m, source) : MatchResult::yes;
}

}  // namespace normwatch::rules::engine::detail
