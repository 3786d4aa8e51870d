// The collector's evidence slices (issue 10 §2): stored once under their SHA-256 when the bytes
// are those the event names, refused otherwise, and written to slices/ by export.
#include <gtest/gtest.h>

#include <fstream>

#include "collector_test_helpers.hpp"
#include "normwatch/collector/event_store.hpp"
#include "normwatch/collector/export_bundle.hpp"
#include "normwatch/events/event.hpp"
#include "normwatch/events/slice_ref.hpp"

namespace normwatch::collector {
namespace {

using test::TempDir;

const std::string kPcap("\xd4\xc3\xb2\xa1 a pcap slice", 18);

std::string line_naming(const std::string& bytes, std::uint64_t seq, const std::string& name = "s1-f1-2-aa.pcap") {
  events::Event e;
  e.sensor = "s1";
  e.epoch = 1;
  e.seq = seq;
  e.ts = core::Timestamp::from_seconds(1'700'000'000 + static_cast<std::int64_t>(seq));
  e.kind = events::EventKind::norm_violation;
  e.evidence_frames = {2};
  e.slice = events::SliceRef{name, events::sha256_hex(bytes), 2, 1, 2, ""};
  return events::to_json_line(e);
}

TEST(SliceStore, StoresASliceOnceUnderItsHash) {
  TempDir dir;
  auto store = EventStore::open(dir / "c.db").value();
  const std::string line = line_naming(kPcap, 1);
  ASSERT_TRUE(store->begin());
  ASSERT_TRUE(store->ingest(line, "s1", 1));
  EXPECT_EQ(store->store_slice(line, events::to_base64(kPcap), 1).value(), "");
  EXPECT_EQ(store->store_slice(line, events::to_base64(kPcap), 2).value(), "");  // a re-sent batch
  ASSERT_TRUE(store->commit());
  EXPECT_EQ(store->database().scalar("SELECT count(*) FROM slices"), 1);
  EXPECT_EQ(store->slice_bytes(events::sha256_hex(kPcap)).value(), kPcap);
  EXPECT_FALSE(store->slice_bytes(std::string(64, '0')).value());
}

TEST(SliceStore, RefusesBytesTheLineDoesNotName) {
  TempDir dir;
  auto store = EventStore::open(dir / "c.db").value();
  const std::string line = line_naming(kPcap, 1);
  EXPECT_EQ(store->store_slice(line, events::to_base64("other bytes"), 1).value(), "slice.hash_mismatch");
  EXPECT_EQ(store->store_slice(line, "***", 1).value(), "slice.bad_encoding");
  EXPECT_EQ(store->store_slice("{\"kind\":\"health\"}", events::to_base64(kPcap), 1).value(), "slice.no_reference");
  EXPECT_EQ(store->store_slice(line_naming(kPcap, 1, "../x.pcap"), events::to_base64(kPcap), 1).value(),
            "slice.no_reference");
  store->rollback();
  EXPECT_EQ(store->database().scalar("SELECT count(*) FROM slices"), 0);
}

// Bytes that do not match what the sensor signed are altered or damaged evidence: the collector
// says so as an integrity event of its own that names the sensor's event, not only in its log.
TEST(SliceStore, ARefusedSliceIsAnIntegrityEvent) {
  TempDir dir;
  auto store = EventStore::open(dir / "c.db").value();
  const std::string line = line_naming(kPcap, 7);
  ASSERT_TRUE(store->begin());
  ASSERT_TRUE(store->ingest(line, "s1", 1));
  EXPECT_EQ(store->store_slice(line, events::to_base64("altered bytes"), 2).value(), "slice.hash_mismatch");
  ASSERT_TRUE(store->commit());
  EXPECT_EQ(store->database().scalar("SELECT count(*) FROM events WHERE sensor = 'normwatch-collector' AND kind = "
                                     "'integrity' AND line LIKE '%\"problem\":\"slice.hash_mismatch\"%' AND "
                                     "line LIKE '%\"sensor\":\"s1\",\"seq\":7}%'"),
            1);
  EXPECT_EQ(store->database().scalar("SELECT count(*) FROM slices"), 0);
}

TEST(SliceStore, ExportWritesTheSlicesTheEventsNameAndListsThem) {
  TempDir dir;
  auto store = EventStore::open(dir / "c.db").value();
  const std::string with = line_naming(kPcap, 1);
  const std::string missing = line_naming("never sent", 2, "s1-f5-6-bb.pcap");
  ASSERT_TRUE(store->begin());
  ASSERT_TRUE(store->ingest(with, "s1", 1));
  ASSERT_TRUE(store->ingest(missing, "s1", 1));
  ASSERT_TRUE(store->store_slice(with, events::to_base64(kPcap), 1));
  ASSERT_TRUE(store->commit());
  ExportOptions o;
  o.from = "2023-01-01T00:00:00Z";
  o.to = "2030-01-01T00:00:00Z";
  o.out = dir / "bundle";
  const auto summary = export_bundle(*store, o).value();
  ASSERT_EQ(summary.sensors.size(), 1u);
  EXPECT_EQ(summary.sensors[0].slices, 1u);
  EXPECT_EQ(summary.sensors[0].slices_missing, 1u);
  std::ifstream in(dir / "bundle" / "slices" / "s1-f1-2-aa.pcap", std::ios::binary);
  const std::string got((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  EXPECT_EQ(got, kPcap);
  std::ifstream sums(dir / "bundle" / "SHA256SUMS");
  const std::string text((std::istreambuf_iterator<char>(sums)), std::istreambuf_iterator<char>());
  EXPECT_NE(text.find(events::sha256_hex(kPcap) + "  slices/s1-f1-2-aa.pcap"), std::string::npos);
  bool warned = false;
  for (const auto& w : summary.warnings) warned |= w.find("s1-f5-6-bb.pcap") != std::string::npos;
  EXPECT_TRUE(warned);
}

}  // namespace
}  // namespace normwatch::collector
