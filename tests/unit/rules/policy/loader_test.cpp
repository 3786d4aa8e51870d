// Policy loader: the shipped examples load with the values they declare; every kind of error is
// reported at its 1-based line:column; all errors are reported, not just the first.
#include <gtest/gtest.h>

#include <fstream>
#include <sstream>

#include "policy_helpers.hpp"

namespace normwatch::rules {
namespace {

using test::has_diag;
using test::must_fail;
using test::must_load;

constexpr std::int64_t kNs = 1'000'000'000;

TEST(PolicyLoader, ExampleWaterMirrorsTheReferenceShape) {
  const auto p = test::must_load_file("rules/policies/example-water.yaml");
  ASSERT_NE(p, nullptr);
  EXPECT_EQ(p->meta().id, "wtp-01");
  EXPECT_EQ(p->meta().version, "7");
  EXPECT_EQ(p->meta().approved_by, "ops-lead");
  EXPECT_TRUE(p->meta().reason_required);
  EXPECT_TRUE(p->meta().default_deny);
  EXPECT_EQ(p->meta().sector, "water");
  EXPECT_EQ(p->meta().site_tags, std::vector<std::string>{"indispensable"});
  EXPECT_EQ(p->meta().time.source, "ptp");
  EXPECT_EQ(p->meta().time.max_offset_ms, 20.0);

  ASSERT_EQ(p->zones().size(), 5u);
  EXPECT_EQ(p->zones()[0].id, "L1-dosing");
  EXPECT_EQ(p->zones()[0].purdue, 1.0);
  EXPECT_EQ(p->zones()[0].sl_t, 3);
  EXPECT_TRUE(p->zones()[0].has_tag("indispensable"));
  EXPECT_TRUE(p->zones()[3].has_role("engineering"));
  EXPECT_TRUE(p->zones()[4].is_default);
  EXPECT_FALSE(p->zones()[4].purdue.has_value());

  ASSERT_EQ(p->conduits().size(), 2u);
  const Conduit& c = p->conduits()[0];
  EXPECT_EQ(c.id, "scada-to-dosing");
  EXPECT_EQ(c.from, "L2-scada");
  EXPECT_EQ(c.to, "L1-dosing");
  EXPECT_EQ(c.protocol, "modbus");
  ASSERT_EQ(c.masters.size(), 2u);
  EXPECT_EQ(c.masters[1], test::ip("10.10.2.11"));
  EXPECT_EQ(c.classes, (std::vector<FunctionClass>{FunctionClass::read, FunctionClass::write, FunctionClass::control}));
  EXPECT_EQ(c.units, (std::vector<std::int64_t>{1, 2}));
  ASSERT_EQ(c.write_ranges.size(), 2u);
  EXPECT_EQ(c.write_ranges[0].table, DataTable::holding_registers);
  EXPECT_EQ(c.write_ranges[0].first, 0u);   // 40001
  EXPECT_EQ(c.write_ranges[0].last, 59u);   // 40060
  EXPECT_EQ(c.write_ranges[1].table, DataTable::coils);
  EXPECT_EQ(c.write_ranges[1].first, 0u);   // 00001
  EXPECT_EQ(c.write_ranges[1].last, 31u);   // 00032
  EXPECT_EQ(c.write_per_min, 120u);
  EXPECT_FALSE(c.commands_per_min.has_value());
  EXPECT_EQ(c.reason, "HMI supervisory control");

  const Conduit& ews = p->conduits()[1];
  ASSERT_EQ(ews.windows.size(), 1u);
  EXPECT_EQ(ews.windows[0].ticket, "MW-2025-117");
  EXPECT_EQ(ews.windows[0].start.ns, 1764626400 * kNs);  // 2025-12-01T22:00Z
  EXPECT_EQ(ews.windows[0].end.ns, 1764640800 * kNs);    // 2025-12-02T02:00Z

  EXPECT_EQ(p->norm_rules().profile, "default");
  ASSERT_EQ(p->norm_rules().overrides.size(), 1u);
  EXPECT_EQ(p->norm_rules().overrides[0].rule_id, "MB-07");
  EXPECT_EQ(p->norm_rules().overrides[0].severity, "low");
  EXPECT_EQ(p->norm_rules().overrides[0].line, 34);
  EXPECT_EQ(p->norm_rules().overrides[0].column, 44);
  EXPECT_EQ(p->sha256(), "b86a13f40d2620f3d9acbada2ae7d30d06985e6ce8c8111f39af7814f148a046")
      << "example-water.yaml changed: update this hash with sha256sum";
  EXPECT_EQ(p->zone_by_id("L2-scada"), &p->zones()[2]);
  EXPECT_EQ(p->zone_by_id("nope"), nullptr);
}

TEST(PolicyLoader, DemoPlantLoads) {
  const auto p = test::must_load_file("rules/policies/demo-plant.yaml");
  ASSERT_NE(p, nullptr);
  EXPECT_EQ(p->meta().id, "demo-plant");
  EXPECT_EQ(p->zones().size(), 5u);
  EXPECT_EQ(p->conduits().size(), 5u);
}

TEST(PolicyLoader, Sha256IsOfTheFileBytes) {
  const auto p = must_load("policy: {id: x}\nzones: [{id: a, match: {default: true}}]\n");
  ASSERT_NE(p, nullptr);
  EXPECT_EQ(p->sha256(), "181da151901d4d70fdd81dcae5fda7cfd3afb91e31d8a03be168f5b8b427e704");
  EXPECT_TRUE(p->meta().default_deny) << "default: deny when the key is absent";
  EXPECT_EQ(p->norm_rules().profile, "default");
}

TEST(PolicyLoader, MissingFileIsADiagnostic) {
  const auto r = Policy::load("/nonexistent/policy.yaml");
  ASSERT_FALSE(r);
  ASSERT_EQ(r.error().size(), 1u);
  EXPECT_EQ(r.error()[0].file, "/nonexistent/policy.yaml");
  EXPECT_NE(r.error()[0].message.find("cannot open"), std::string::npos);
}

TEST(PolicyLoader, UnknownKeysAtEveryLevel) {
  const auto d = must_fail(R"(policy: {id: x, versoin: 1}
site: {sector: water, tag: [a]}
time: {source: ptp, offset: 3}
zones:
  - id: a
    purdu: 1
    match: {cidr: [10.0.0.0/8], vlans: [3]}
  - {id: b, match: {default: true}}
conduits:
  - id: c
    from: b
    to: a
    protocol: modbus
    allow: {classes: [read], unit: [1], write_ranges: {holdings: ["1-2"]}}
    rate: {writes_per_min: 3}
    windows: [{ticket: T, start: "2025-01-01T00:00Z", end: "2025-01-02T00:00Z", why: x}]
    owner: me
default: deny
norm_rules: {profile: default, overrides: [{id: MB-01, severity: H, note: x}], extra: 1}
extra_top: 1
)");
  EXPECT_TRUE(has_diag(d, 1, 17, "unknown key 'versoin' in policy")) << test::dump(d);
  EXPECT_TRUE(has_diag(d, 2, 23, "unknown key 'tag' in site")) << test::dump(d);
  EXPECT_TRUE(has_diag(d, 3, 21, "unknown key 'offset' in time")) << test::dump(d);
  EXPECT_TRUE(has_diag(d, 6, 5, "unknown key 'purdu' in zone")) << test::dump(d);
  EXPECT_TRUE(has_diag(d, 7, 33, "unknown key 'vlans' in match")) << test::dump(d);
  EXPECT_TRUE(has_diag(d, 14, 30, "unknown key 'unit' in allow")) << test::dump(d);
  EXPECT_TRUE(has_diag(d, 14, 56, "unknown key 'holdings' in write_ranges")) << test::dump(d);
  EXPECT_TRUE(has_diag(d, 15, 12, "unknown key 'writes_per_min' in rate")) << test::dump(d);
  EXPECT_TRUE(has_diag(d, 16, 81, "unknown key 'why' in window")) << test::dump(d);
  EXPECT_TRUE(has_diag(d, 17, 5, "unknown key 'owner' in conduit")) << test::dump(d);
  EXPECT_TRUE(has_diag(d, 19, 69, "unknown key 'note' in override")) << test::dump(d);
  EXPECT_TRUE(has_diag(d, 19, 80, "unknown key 'extra' in norm_rules")) << test::dump(d);
  EXPECT_TRUE(has_diag(d, 20, 1, "unknown key 'extra_top'")) << test::dump(d);
  EXPECT_EQ(d.size(), 13u) << test::dump(d);
}

TEST(PolicyLoader, BadCidrsAddressesAndMacs) {
  const auto d = must_fail(R"(policy: {id: x}
zones:
  - id: a
    match:
      cidr: [10.0.0.0/33, 10.0.0.1/8, 300.1.1.0/24, 10.1.0.0, "fd00::/129", "fd00::1/64", 10.2.0.0/x]
      ip: [10.0.0.256, "fd00::g"]
      mac: ["00:80:f4:12:34", "00:80:f4:12:34:5g", "0080.f412.3456"]
)");
  EXPECT_TRUE(has_diag(d, 5, 14, "not a prefix length (0-32)")) << test::dump(d);
  EXPECT_TRUE(has_diag(d, 5, 27, "host bits set; the network is 10.0.0.0/8")) << test::dump(d);
  EXPECT_TRUE(has_diag(d, 5, 39, "'300.1.1.0' is not an IPv4 or IPv6 address")) << test::dump(d);
  EXPECT_TRUE(has_diag(d, 5, 53, "not a CIDR prefix")) << test::dump(d);
  EXPECT_TRUE(has_diag(d, 5, 63, "not a prefix length (0-128)")) << test::dump(d);
  EXPECT_TRUE(has_diag(d, 5, 77, "host bits set; the network is fd00::/64")) << test::dump(d);
  EXPECT_TRUE(has_diag(d, 5, 91, "not a prefix length")) << test::dump(d);
  EXPECT_TRUE(has_diag(d, 6, 12, "'10.0.0.256' is not an IPv4 or IPv6 address")) << test::dump(d);
  EXPECT_TRUE(has_diag(d, 6, 24, "'fd00::g' is not")) << test::dump(d);
  EXPECT_TRUE(has_diag(d, 7, 13, "is not a MAC address")) << test::dump(d);
  EXPECT_TRUE(has_diag(d, 7, 31, "is not a MAC address")) << test::dump(d);
  EXPECT_TRUE(has_diag(d, 7, 52, "is not a MAC address")) << test::dump(d);
  EXPECT_EQ(d.size(), 12u) << test::dump(d);
}

TEST(PolicyLoader, ZoneFieldRanges) {
  const auto d = must_fail(R"(policy: {id: x}
zones:
  - {id: a, purdue: 2.5, sl_t: 5, match: {vlan: [0, 4095, x]}}
  - {id: "bad id", match: {default: true}}
  - {id: c, match: {}}
  - {id: d}
)");
  EXPECT_TRUE(has_diag(d, 3, 21, "purdue must be one of 0, 1, 2, 3, 3.5, 4, 5")) << test::dump(d);
  EXPECT_TRUE(has_diag(d, 3, 32, "sl_t must be between 0 and 4")) << test::dump(d);
  EXPECT_TRUE(has_diag(d, 3, 50, "between 1 and 4094")) << test::dump(d);
  EXPECT_TRUE(has_diag(d, 3, 53, "between 1 and 4094")) << test::dump(d);
  EXPECT_TRUE(has_diag(d, 3, 59, "must be an integer")) << test::dump(d);
  EXPECT_TRUE(has_diag(d, 4, 10, "zone id 'bad id' must be")) << test::dump(d);
  EXPECT_TRUE(has_diag(d, 5, 20, "selects nothing")) << test::dump(d);
  EXPECT_TRUE(has_diag(d, 6, 5, "zone 'd' has no match")) << test::dump(d);
  EXPECT_EQ(d.size(), 8u) << test::dump(d);
}

TEST(PolicyLoader, UnknownFunctionClassAndZoneReferences) {
  const auto d = must_fail(R"(policy: {id: x}
zones:
  - {id: a, match: {cidr: [10.1.0.0/16]}}
  - {id: b, match: {cidr: [10.2.0.0/16]}}
conduits:
  - {id: c1, from: a, to: nowhere, protocol: modbus, allow: {classes: [read, progam, write, read]}}
  - {id: c2, from: elsewhere, to: b, protocol: dnp3}
  - {id: c3, from: a, to: b}
)");
  EXPECT_TRUE(has_diag(d, 6, 27, "unknown zone 'nowhere' in 'to'")) << test::dump(d);
  EXPECT_TRUE(has_diag(d, 6, 78, "unknown function class 'progam'")) << test::dump(d);
  EXPECT_TRUE(has_diag(d, 6, 93, "function class 'read' is listed twice")) << test::dump(d);
  EXPECT_TRUE(has_diag(d, 7, 20, "unknown zone 'elsewhere' in 'from'")) << test::dump(d);
  EXPECT_TRUE(has_diag(d, 8, 5, "conduit 'c3' has no protocol")) << test::dump(d);
  EXPECT_EQ(d.size(), 5u) << test::dump(d);
}

TEST(PolicyLoader, DuplicateIds) {
  const auto d = must_fail(R"(policy: {id: x}
zones:
  - {id: a, match: {cidr: [10.1.0.0/16]}}
  - {id: a, match: {cidr: [10.2.0.0/16]}}
  - {id: b, match: {cidr: [10.3.0.0/16]}}
conduits:
  - {id: c, from: a, to: b, protocol: modbus}
  - {id: c, from: b, to: a, protocol: modbus}
)");
  EXPECT_TRUE(has_diag(d, 4, 10, "duplicate zone id 'a'")) << test::dump(d);
  EXPECT_TRUE(has_diag(d, 8, 10, "duplicate conduit id 'c'")) << test::dump(d);
  EXPECT_EQ(d.size(), 2u) << test::dump(d);
}

TEST(PolicyLoader, OverlappingZones) {
  const auto d = must_fail(R"(policy: {id: x}
zones:
  - {id: a, match: {cidr: [10.1.0.0/16, "fd00:1::/32"], ip: [10.9.9.9], mac: ["00:00:00:00:00:01"], vlan: [7]}}
  - {id: b, match: {cidr: [10.1.0.0/16], ip: [10.9.9.9]}}
  - {id: c, match: {cidr: ["fd00:1::/32", 10.1.2.0/24], mac: ["00-00-00-00-00-01"], vlan: [7], default: true}}
  - {id: d, match: {default: true, cidr: [10.4.0.0/16, 10.4.0.0/16]}}
)");
  EXPECT_TRUE(has_diag(d, 4, 28, "prefix '10.1.0.0/16' is also in zone 'a'")) << test::dump(d);
  EXPECT_TRUE(has_diag(d, 4, 47, "address '10.9.9.9' is also in zone 'a'")) << test::dump(d);
  EXPECT_TRUE(has_diag(d, 5, 28, "prefix 'fd00:1::/32' is also in zone 'a'")) << test::dump(d);
  EXPECT_TRUE(has_diag(d, 5, 63, "MAC '00-00-00-00-00-01' is also in zone 'a'")) << test::dump(d);
  EXPECT_TRUE(has_diag(d, 5, 92, "VLAN 7 is also in zone 'a'")) << test::dump(d);
  EXPECT_TRUE(has_diag(d, 6, 30, "second default zone")) << test::dump(d);
  EXPECT_TRUE(has_diag(d, 6, 56, "listed twice in zone 'd'")) << test::dump(d);
  EXPECT_EQ(d.size(), 7u) << test::dump(d);
}

TEST(PolicyLoader, NestedPrefixesAreNotOverlaps) {
  const auto p = must_load(R"(policy: {id: x}
zones:
  - {id: site, match: {cidr: [10.0.0.0/8, "fd00::/16"]}}
  - {id: cell, match: {cidr: [10.1.0.0/16, "fd00:1::/32"], ip: [10.0.0.1]}}
  - {id: host, match: {cidr: [10.1.2.3/32]}}
)");
  ASSERT_NE(p, nullptr);
}

TEST(PolicyLoader, BadTimeWindows) {
  const auto d = must_fail(R"(policy: {id: x}
zones: [{id: a, match: {default: true}}]
conduits:
  - id: c
    from: a
    to: a
    protocol: any
    windows:
      - {ticket: T1, start: "2025-12-01 22:00", end: "2025-12-02T02:00Z"}
      - {ticket: T2, start: "2025-12-02T02:00Z", end: "2025-12-01T22:00Z"}
      - {ticket: T3, start: "2025-02-29T00:00Z", end: "2025-13-01T00:00Z"}
      - {start: "2025-12-01T22:00Z", end: "2025-12-02T02:00Z"}
      - {ticket: "", start: "2025-12-01T22:00Z", end: "2025-12-02T02:00Z"}
      - {ticket: T6, start: "1969-12-31T23:00Z", end: "2025-12-02T02:00:00+25:00"}
)");
  EXPECT_TRUE(has_diag(d, 9, 29, "a time zone ('Z' or +hh:mm) is required")) << test::dump(d);
  EXPECT_TRUE(has_diag(d, 10, 55, "window T2 ends before it starts")) << test::dump(d);
  EXPECT_TRUE(has_diag(d, 11, 29, "no such day in that month")) << test::dump(d);
  EXPECT_TRUE(has_diag(d, 11, 55, "month outside 01-12")) << test::dump(d);
  EXPECT_TRUE(has_diag(d, 12, 9, "a window needs ticket, start and end")) << test::dump(d);
  EXPECT_TRUE(has_diag(d, 13, 18, "window ticket must not be empty")) << test::dump(d);
  EXPECT_TRUE(has_diag(d, 14, 29, "year outside 1970-2261")) << test::dump(d);
  EXPECT_TRUE(has_diag(d, 14, 55, "expected a +hh:mm offset")) << test::dump(d);
  EXPECT_EQ(d.size(), 8u) << test::dump(d);
}

TEST(PolicyLoader, Rfc3339Forms) {
  const auto p = must_load(R"(policy: {id: x}
zones: [{id: a, match: {default: true}}]
conduits:
  - id: c
    from: a
    to: a
    protocol: any
    windows:
      - {ticket: T1, start: "2024-02-29T23:30:00.5+01:30", end: "2261-12-31t23:59:59z"}
      - {ticket: T2, start: "1970-01-01T00:00:00Z", end: "1970-01-01T00:00:00.000000001Z"}
)");
  ASSERT_NE(p, nullptr);
  const auto& w = p->conduits()[0].windows;
  EXPECT_EQ(w[0].start.ns, 1709244000 * kNs + 500'000'000);
  EXPECT_EQ(w[0].end.ns, 9214646399 * kNs);
  EXPECT_EQ(w[1].start.ns, 0);
  EXPECT_EQ(w[1].end.ns, 1);
}

TEST(PolicyLoader, ReasonRequired) {
  const auto d = must_fail(R"(policy: {id: x, reason_required: true}
zones:
  - {id: a, match: {cidr: [10.1.0.0/16]}}
  - {id: b, match: {cidr: [10.2.0.0/16]}}
conduits:
  - {id: with-reason, from: a, to: b, protocol: modbus, reason: "polling"}
  - {id: without, from: a, to: b, protocol: dnp3}
  - {id: empty, from: a, to: b, protocol: iec104, reason: ""}
)");
  EXPECT_TRUE(has_diag(d, 7, 5, "conduit 'without' has no reason")) << test::dump(d);
  EXPECT_TRUE(has_diag(d, 8, 5, "conduit 'empty' has no reason")) << test::dump(d);
  EXPECT_EQ(d.size(), 2u) << test::dump(d);
  // The same conduits load when reasons are not required.
  EXPECT_NE(must_load(R"(policy: {id: x}
zones:
  - {id: a, match: {cidr: [10.1.0.0/16]}}
  - {id: b, match: {cidr: [10.2.0.0/16]}}
conduits:
  - {id: without, from: a, to: b, protocol: dnp3}
)"),
            nullptr);
}

TEST(PolicyLoader, WriteRangeNotation) {
  const auto p = must_load(R"(policy: {id: x}
zones:
  - {id: a, match: {cidr: [10.1.0.0/16]}}
  - {id: b, match: {cidr: [10.2.0.0/16]}}
conduits:
  - id: m
    from: a
    to: b
    protocol: modbus
    allow:
      write_ranges:
        holding: ["40001-40010", "400001-465536", "0-9", 40001, "0x9C41", "100"]
        coils: ["00001-00032", "1-32", "000001"]
        input: ["30001"]
        discrete_inputs: ["10001-10016"]
  - {id: d, from: a, to: b, protocol: dnp3, allow: {write_ranges: {objects: ["0-4294967295", 7]}}}
)");
  ASSERT_NE(p, nullptr);
  const auto& r = p->conduits()[0].write_ranges;
  ASSERT_EQ(r.size(), 11u);
  const auto expect = [&](std::size_t i, DataTable t, std::uint32_t first, std::uint32_t last) {
    EXPECT_EQ(r[i].table, t) << i;
    EXPECT_EQ(r[i].first, first) << i;
    EXPECT_EQ(r[i].last, last) << i;
  };
  expect(0, DataTable::holding_registers, 0, 9);        // 40001-40010: 1-based references
  expect(1, DataTable::holding_registers, 0, 65535);    // 6-digit references
  expect(2, DataTable::holding_registers, 0, 9);        // plain 0-based
  expect(3, DataTable::holding_registers, 0, 0);        // bare 40001 is a reference too
  expect(4, DataTable::holding_registers, 40001, 40001);  // hex: always plain
  expect(5, DataTable::holding_registers, 100, 100);
  expect(6, DataTable::coils, 0, 31);
  expect(7, DataTable::coils, 1, 32);                   // plain: coils 1..32, 0-based
  expect(8, DataTable::coils, 0, 0);
  expect(9, DataTable::input_registers, 0, 0);
  expect(10, DataTable::discrete_inputs, 0, 15);
  const auto& o = p->conduits()[1].write_ranges;
  ASSERT_EQ(o.size(), 2u);
  EXPECT_EQ(o[0].last, 4294967295u);
  EXPECT_EQ(o[1].first, 7u);
}

TEST(PolicyLoader, BadWriteRanges) {
  const auto d = must_fail(R"(policy: {id: x}
zones:
  - {id: a, match: {cidr: [10.1.0.0/16]}}
  - {id: b, match: {cidr: [10.2.0.0/16]}}
conduits:
  - id: m
    from: a
    to: b
    protocol: modbus
    allow:
      units: [1, 256]
      write_ranges:
        holding: ["40000", "40001-9", "10-5", "65536", "x", "49999-400001"]
        objects: ["1-2"]
  - {id: d, from: a, to: b, protocol: dnp3, allow: {write_ranges: {coils: ["1"]}}}
)");
  EXPECT_TRUE(has_diag(d, 11, 18, "unit must be between 0 and 255")) << test::dump(d);
  EXPECT_TRUE(has_diag(d, 13, 19, "reference '40000' is outside 40001-49999")) << test::dump(d);
  EXPECT_TRUE(has_diag(d, 13, 28, "mixes a 1-based reference and a plain 0-based address")) << test::dump(d);
  EXPECT_TRUE(has_diag(d, 13, 39, "ends before it starts")) << test::dump(d);
  EXPECT_TRUE(has_diag(d, 13, 47, "address 65536 is above 65535")) << test::dump(d);
  EXPECT_TRUE(has_diag(d, 13, 56, "'x' is not an address")) << test::dump(d);
  EXPECT_TRUE(has_diag(d, 13, 61, "ends before it starts")) << test::dump(d);
  EXPECT_TRUE(has_diag(d, 14, 18, "write_ranges.objects does not apply to a modbus conduit")) << test::dump(d);
  EXPECT_TRUE(has_diag(d, 15, 75, "write_ranges.coils does not apply to a dnp3 conduit")) << test::dump(d);
  EXPECT_EQ(d.size(), 9u) << test::dump(d);
}

TEST(PolicyLoader, MastersMustBeAddressesInTheFromZone) {
  const auto d = must_fail(R"(policy: {id: x}
zones:
  - {id: a, match: {cidr: [10.1.0.0/16]}}
  - {id: b, match: {cidr: [10.2.0.0/16], ip: [10.1.0.9]}}
  - {id: m, match: {cidr: [10.3.0.0/16], mac: ["02:00:00:00:00:01"]}}
conduits:
  - {id: c, from: a, to: b, protocol: modbus, masters: [10.1.0.5, 10.2.0.5, 10.1.0.9, "10.1.0.x", 10.1.0.5]}
  - {id: e, from: m, to: b, protocol: modbus, masters: [10.1.0.7]}
)");
  EXPECT_TRUE(has_diag(d, 7, 67, "master '10.2.0.5' is in zone 'b', not in the conduit's 'from' zone 'a'"))
      << test::dump(d);
  EXPECT_TRUE(has_diag(d, 7, 77, "master '10.1.0.9' is in zone 'b'")) << test::dump(d);
  EXPECT_TRUE(has_diag(d, 7, 87, "is not an IPv4 or IPv6 address")) << test::dump(d);
  EXPECT_TRUE(has_diag(d, 7, 99, "master '10.1.0.5' is listed twice")) << test::dump(d);
  EXPECT_EQ(d.size(), 4u) << test::dump(d) << "(a zone with MACs may claim any master)";
}

TEST(PolicyLoader, MetaAndOverrideValues) {
  const auto d = must_fail(R"(policy: {id: x, reason_required: maybe}
time: {source: sundial, max_offset_ms: -1}
zones: [{id: a, match: {default: true}}]
default: permit
norm_rules:
  overrides:
    - {id: MB-01, severity: extreme}
    - {id: MB-02, severity: h}
    - {id: MB-02, severity: low}
    - {severity: low}
)");
  EXPECT_TRUE(has_diag(d, 1, 34, "must be true or false")) << test::dump(d);
  EXPECT_TRUE(has_diag(d, 2, 16, "time.source 'sundial'")) << test::dump(d);
  EXPECT_TRUE(has_diag(d, 2, 40, "must not be negative")) << test::dump(d);
  EXPECT_TRUE(has_diag(d, 4, 10, "default must be deny or allow")) << test::dump(d);
  EXPECT_TRUE(has_diag(d, 7, 29, "severity 'extreme'")) << test::dump(d);
  EXPECT_TRUE(has_diag(d, 9, 12, "rule 'MB-02' is overridden twice")) << test::dump(d);
  EXPECT_TRUE(has_diag(d, 10, 7, "an override needs id and severity")) << test::dump(d);
  EXPECT_EQ(d.size(), 7u) << test::dump(d);
}

TEST(PolicyLoader, OverridesAreNormalisedAndLocated) {
  const auto p = must_load(R"(policy: {id: x}
zones: [{id: a, match: {default: true}}]
default: allow
norm_rules:
  profile: strict
  overrides:
    - {id: MB-07, severity: L}
    - {id: DN-03, severity: Critical}
)");
  ASSERT_NE(p, nullptr);
  EXPECT_FALSE(p->meta().default_deny);
  EXPECT_EQ(p->norm_rules().profile, "strict");
  ASSERT_EQ(p->norm_rules().overrides.size(), 2u);
  EXPECT_EQ(p->norm_rules().overrides[0].severity, "low");
  EXPECT_EQ(p->norm_rules().overrides[1].severity, "critical");
  EXPECT_EQ(p->norm_rules().overrides[1].rule_id, "DN-03");
  EXPECT_EQ(p->norm_rules().overrides[1].line, 8);
  EXPECT_EQ(p->norm_rules().overrides[1].column, 7);
}

TEST(PolicyLoader, DocumentLevelProblems) {
  EXPECT_TRUE(has_diag(must_fail(""), 0, 0, "the policy file is empty"));
  EXPECT_TRUE(has_diag(must_fail("- a\n- b\n"), 1, 1, "the policy file must be a map"));
  const auto d = must_fail("site: {sector: water}\n");
  EXPECT_TRUE(has_diag(d, 1, 1, "no 'policy' section")) << test::dump(d);
  EXPECT_TRUE(has_diag(d, 1, 1, "has no zones")) << test::dump(d);
  EXPECT_TRUE(has_diag(must_fail("policy: {id: x}\nzones: []\n"), 2, 8, "zones must be a non-empty list"));
  const auto dup = must_fail("policy: {id: x}\npolicy: {id: y}\nzones: [{id: a, match: {default: true}}]\n");
  EXPECT_TRUE(has_diag(dup, 2, 1, "duplicate key 'policy'")) << test::dump(dup);
}

TEST(PolicyLoader, YamlSyntaxErrorIsLocated) {
  const auto d = must_fail("policy: {id: x}\nzones:\n  - {id: a, match: {cidr: [10.0.0.0/8}\n");
  ASSERT_EQ(d.size(), 1u);
  EXPECT_EQ(d[0].line, 3);
  EXPECT_GT(d[0].column, 0);
  EXPECT_NE(d[0].message.find("invalid YAML"), std::string::npos) << d[0].message;
  EXPECT_EQ(d[0].to_string().rfind("test.yaml:3:", 0), 0u) << d[0].to_string();
}

TEST(PolicyLoader, AllErrorsAreReportedUpToTheCap) {
  std::string yaml = "policy: {id: x}\nzones:\n";
  for (int i = 0; i < 50; ++i) yaml += "  - {id: z" + std::to_string(i) + ", match: {cidr: [bad]}}\n";
  EXPECT_EQ(must_fail(yaml).size(), 50u);
  PolicyLimits limits;
  limits.max_diagnostics = 10;
  const auto r = Policy::load_text(yaml, "t.yaml", limits);
  ASSERT_FALSE(r);
  ASSERT_EQ(r.error().size(), 10u);
  EXPECT_NE(r.error().back().message.find("too many errors"), std::string::npos);
}

TEST(PolicyLoader, OversizedFileIsRefused) {
  PolicyLimits limits;
  limits.max_file_bytes = 16;
  const auto r = Policy::load_text("policy: {id: x}\nzones: [{id: a, match: {default: true}}]\n", "t.yaml", limits);
  ASSERT_FALSE(r);
  EXPECT_NE(r.error()[0].message.find("-byte limit"), std::string::npos);
}

TEST(PolicyLoader, AliasExpansionIsBounded) {
  // Each level references the previous one ten times: 10^7 nodes after expansion.
  std::string yaml = "a0: &a0 [x, x, x, x, x, x, x, x, x, x]\n";
  for (int i = 1; i < 7; ++i) {
    yaml += "a" + std::to_string(i) + ": &a" + std::to_string(i) + " [";
    for (int j = 0; j < 10; ++j) yaml += (j ? ", *a" : "*a") + std::to_string(i - 1);
    yaml += "]\n";
  }
  yaml = "policy: {id: x}\nzones:\n  - {id: a, match: {cidr: *a6}}\n" + yaml;
  const auto d = must_fail(yaml);
  EXPECT_FALSE(d.empty());
}

}  // namespace
}  // namespace normwatch::rules
