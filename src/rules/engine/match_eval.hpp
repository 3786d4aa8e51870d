// Evaluating a compiled clause's match against one PDU's facts (after the (protocol, function)
// table lookup has chosen the clause): plain comparisons on PduFacts, a walk over the DNP3 object
// headers for group/variation, and the policy predicates on the flow's FlowPolicy.
#pragma once

#include <bitset>
#include <cstdint>
#include <deque>

#include "normwatch/rules/engine/engine.hpp"
#include "normwatch/rules/engine/flow_policy.hpp"
#include "normwatch/rules/engine/rule.hpp"
#include "normwatch/rules/facts.hpp"

namespace normwatch::rules::engine::detail {

enum class MatchResult : std::uint8_t { no, yes, needs_policy };

// `check_function`: also test m.function (off when the table lookup already did). The policy is
// asked for only when every other condition matched and the clause has a policy predicate.
MatchResult match_pdu(const Match& m, const PduFacts& f, PolicySource* policy, bool check_function);

// A clause's DNP3 object condition (group, and variation) as bit sets: a READ of many object
// headers tests each in one lookup instead of walking the value sets' ranges.
struct ObjectFilter {
  std::bitset<256> groups;
  std::bitset<256> variations;
  bool any_variation = true;
};

// A PDU clause as the per-PDU loop tests it: one bit per condition the clause has beyond those
// its table cell already decided (protocol, direction, function), so a clause with none (a
// flood counter) costs one load, and one with a single condition one more test; the flags and
// masks inline, the value sets and policy predicates through `match`.
struct PduCheck {
  static constexpr std::uint16_t kBroadcast = 1U << 0;
  static constexpr std::uint16_t kMalformed = 1U << 1;
  static constexpr std::uint16_t kIin = 1U << 2;
  static constexpr std::uint16_t kSub = 1U << 3;
  static constexpr std::uint16_t kException = 1U << 4;
  static constexpr std::uint16_t kUnit = 1U << 5;
  static constexpr std::uint16_t kCot = 1U << 6;
  static constexpr std::uint16_t kQualifier = 1U << 7;
  static constexpr std::uint16_t kAddress = 1U << 8;
  static constexpr std::uint16_t kClasses = 1U << 9;
  static constexpr std::uint16_t kObjects = 1U << 10;
  static constexpr std::uint16_t kPolicy = 1U << 11;

  std::uint16_t tests = 0;
  bool broadcast = false;   // the value wanted (kBroadcast)
  bool malformed = false;   // (kMalformed)
  std::uint16_t iin_any = 0;
  std::uint32_t classes = 0;
  const ObjectFilter* objects = nullptr;  // (kObjects)
  const Match* match = nullptr;
};

// `filters` keeps the object filters the checks point to (a deque: they never move).
PduCheck compile_check(const Match& m, std::deque<ObjectFilter>& filters);

// The same verdict as match_pdu(*k.match, f, policy, false) for a PDU of a cell the clause is in.
MatchResult match_tests(const PduCheck& k, const PduFacts& f, PolicySource* policy);
// Clauses with flag tests only (broadcasts, IIN bits: the broad ones that see many PDUs) are
// decided here, inline; the others out of line.
inline MatchResult match_check(const PduCheck& k, const PduFacts& f, PolicySource* policy) {
  constexpr std::uint16_t kFlags = PduCheck::kBroadcast | PduCheck::kMalformed | PduCheck::kIin;
  const std::uint16_t t = k.tests;
  if ((t & ~kFlags) != 0) return match_tests(k, f, policy);
  if ((t & PduCheck::kBroadcast) != 0 && f.broadcast != k.broadcast) return MatchResult::no;
  if ((t & PduCheck::kMalformed) != 0 && f.malformed != k.malformed) return MatchResult::no;
  if ((t & PduCheck::kIin) != 0 && (!f.has_iin || (f.iin & k.iin_any) == 0)) return MatchResult::no;
  return MatchResult::yes;
}

}  // namespace normwatch::rules::engine::detail
