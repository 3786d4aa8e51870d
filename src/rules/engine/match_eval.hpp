// Evaluating a compiled clause's match against one PDU's facts (after the (protocol, function)
// table lookup has chosen the clause): plain comparisons on PduFacts, a walk over the DNP3 object
// headers for group/variation, and the policy predicates on the flow's FlowPolicy.
#pragma once

#include "normwatch/rules/engine/engine.hpp"
#include "normwatch/rules/engine/flow_policy.hpp"
#include "normwatch/rules/engine/rule.hpp"
#include "normwatch/rules/facts.hpp"

namespace normwatch::rules::engine::detail {

enum class MatchResult : std::uint8_t { no, yes, needs_policy };

// `check_function`: also test m.function (off when the table lookup already did). The policy is
// asked for only when every other condition matched and the clause has a policy predicate.
MatchResult match_pdu(const Match& m, const PduFacts& f, PolicySource* policy, bool check_function);

}  // namespace normwatch::rules::engine::detail
