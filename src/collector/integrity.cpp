// IntegrityChecker: online chain-link and checkpoint checks at the collector (see integrity.hpp).
#include "normwatch/collector/integrity.hpp"

#include "normwatch/publish/signer.hpp"

namespace normwatch::collector {

namespace {

constexpr std::string_view kSchema = R"sql(
CREATE TABLE IF NOT EXISTS integrity(
  sensor TEXT NOT NULL, epoch INTEGER NOT NULL, seq INTEGER NOT NULL, status TEXT NOT NULL,
  prev_seq INTEGER, prev TEXT, detail TEXT NOT NULL, detected_ns INTEGER NOT NULL,
  PRIMARY KEY(sensor, epoch, seq)) WITHOUT ROWID;
CREATE INDEX IF NOT EXISTS integrity_pending ON integrity(sensor, prev_seq) WHERE status = 'unlinked';
)sql";

std::int64_t as_sql(std::uint64_t v) { return static_cast<std::int64_t>(v & 0x7FFF'FFFF'FFFF'FFFFULL); }
std::string seq_text(std::uint64_t seq) { return "seq " + std::to_string(seq); }

}  // namespace

core::Result<std::unique_ptr<IntegrityChecker>, std::string> IntegrityChecker::open(Database& db,
                                                                                   std::filesystem::path keys_dir) {
  std::unique_ptr<IntegrityChecker> checker(new IntegrityChecker(db, std::move(keys_dir)));
  if (auto r = checker->prepare(); !r) return core::unexpected(r.error());
  return checker;
}

core::Result<void, std::string> IntegrityChecker::prepare() {
  if (auto r = db_.exec(kSchema); !r) return r;
  struct Prepared {
    Statement* into;
    std::string_view sql;
  };
  const Prepared prepared[] = {
      // One (sensor, epoch, seq) index probe per epoch of the sensor: no extra index on events.
      {&select_line_,
       "SELECT line FROM events WHERE sensor = ?1 AND seq = ?2 AND epoch IN (SELECT epoch FROM epochs WHERE sensor = "
       "?1 UNION SELECT ?3) LIMIT 1"},
      {&insert_mark_,
       "INSERT OR REPLACE INTO integrity(sensor, epoch, seq, status, prev_seq, prev, detail, detected_ns) "
       "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)"},
      {&select_pending_,
       "SELECT epoch, seq, prev FROM integrity WHERE sensor = ?1 AND prev_seq = ?2 AND status = 'unlinked'"},
      {&delete_mark_, "DELETE FROM integrity WHERE sensor = ?1 AND epoch = ?2 AND seq = ?3"},
  };
  for (const Prepared& p : prepared) {
    auto stmt = db_.prepare(p.sql);
    if (!stmt) return core::unexpected(stmt.error());
    *p.into = std::move(*stmt);
  }
  return {};
}

void IntegrityChecker::reset() {
  heads_.clear();
  pending_.clear();
  problems_.clear();
}

std::vector<IntegrityProblem> IntegrityChecker::take_problems() {
  std::vector<IntegrityProblem> out;
  out.swap(problems_);
  return out;
}

void IntegrityChecker::problem(const events::EventHeader& h, std::string code, std::string detail) {
  ++problems_total_;
  problems_.push_back({h.sensor, h.epoch, h.seq, std::move(code), std::move(detail)});
}

std::string IntegrityChecker::pinned_key(std::string_view principal) {
  auto it = keys_.find(principal);
  if (it != keys_.end()) return it->second;
  std::string key;
  if (!keys_dir_.empty()) {
    if (auto k = publish::read_sign_public_key(keys_dir_ / (std::string(principal) + ".sign.pub"))) key = *k;
  }
  // Not cached when missing, so that enrolling the key later takes effect.
  if (!key.empty()) keys_.emplace(std::string(principal), key);
  return key;
}

core::Result<std::optional<events::ChainHash>, std::string> IntegrityChecker::stored_hash(const std::string& sensor,
                                                                                        std::uint64_t seq) {
  select_line_.bind(1, sensor);
  select_line_.bind(2, as_sql(seq));
  select_line_.bind(3, as_sql(current_epoch_));
  auto row = select_line_.step();
  if (!row) {
    select_line_.reset();
    return core::unexpected(row.error());
  }
  std::optional<events::ChainHash> out;
  if (*row) out = events::chain_hash(select_line_.column_text(0));
  select_line_.reset();
  return out;
}

core::Result<void, std::string> IntegrityChecker::mark(const events::EventHeader& h, std::string_view status,
                                                       std::uint64_t prev_seq, const std::string& detail,
                                                       std::int64_t received_ns) {
  insert_mark_.bind(1, h.sensor);
  insert_mark_.bind(2, as_sql(h.epoch));
  insert_mark_.bind(3, as_sql(h.seq));
  insert_mark_.bind(4, status);
  insert_mark_.bind(5, as_sql(prev_seq));
  insert_mark_.bind_optional(6, h.chain ? std::string_view(h.chain->prev) : std::string_view());
  insert_mark_.bind(7, detail);
  insert_mark_.bind(8, received_ns);
  return insert_mark_.run();
}

core::Result<void, std::string> IntegrityChecker::check(std::string_view line, const events::EventHeader& h,
                                                        std::string_view principal, std::int64_t received_ns) {
  if (h.sensor == kCollectorSensorId) return {};
  const events::ChainHash hash = events::chain_hash(line);
  current_epoch_ = h.epoch;
  Head& head = heads_[h.sensor];
  if (h.chain_malformed) {
    problem(h, "chain.malformed", seq_text(h.seq) + " carries a malformed chain member");
    if (auto r = mark(h, "malformed", 0, "malformed chain member", received_ns); !r) return r;
  } else if (!h.chain) {
    // A sensor without the chain (no spool, an older build) is not marked; one that chained
    // before and stops is.
    if (head.seq != 0) {
      problem(h, "chain.missing_link", seq_text(h.seq) + " carries no chain link after chained events");
      if (auto r = mark(h, "missing_link", 0, "no chain link", received_ns); !r) return r;
    }
  } else {
    const events::ChainLink& link = *h.chain;
    std::optional<events::ChainHash> expected;
    bool genesis = false;
    if (link.prev_seq == 0) {
      genesis = true;
    } else if (head.seq == link.prev_seq) {
      expected = head.hash;
    } else {
      auto stored = stored_hash(h.sensor, link.prev_seq);
      if (!stored) return core::unexpected(stored.error());
      expected = *stored;
    }
    if (genesis ? link.prev != events::genesis_hex() : (expected && events::to_hex(*expected) != link.prev)) {
      const std::string detail = seq_text(h.seq) + " does not link to the stored " + seq_text(link.prev_seq);
      problem(h, "chain.broken_link", detail);
      if (auto r = mark(h, "broken_link", link.prev_seq, detail, received_ns); !r) return r;
    } else if (!genesis && !expected) {
      // The predecessor is not stored (yet): a resend after reconnect, or a real loss.
      if (auto r = mark(h, "unlinked", link.prev_seq, "predecessor " + seq_text(link.prev_seq) + " not stored",
                        received_ns);
          !r) {
        return r;
      }
      ++pending_[h.sensor];
    }
  }
  // Only chained events become the head: a sensor that never chained is never marked.
  if (h.chain && (h.seq > head.seq || head.seq == 0)) head = Head{h.seq, hash};
  if (auto it = pending_.find(h.sensor); it != pending_.end() && it->second > 0) {
    if (auto r = resolve_successors(h.sensor, h.seq, hash, received_ns); !r) return r;
  }
  if (h.has_checkpoint && h.kind == events::EventKind::integrity) return check_checkpoint(line, h, principal, received_ns);
  return {};
}

core::Result<void, std::string> IntegrityChecker::resolve_successors(const std::string& sensor, std::uint64_t seq,
                                                                     const events::ChainHash& hash,
                                                                     std::int64_t received_ns) {
  struct Waiting {
    std::uint64_t epoch, seq;
    std::string prev;
  };
  std::vector<Waiting> waiting;
  select_pending_.bind(1, sensor);
  select_pending_.bind(2, as_sql(seq));
  for (;;) {
    auto row = select_pending_.step();
    if (!row) {
      select_pending_.reset();
      return core::unexpected(row.error());
    }
    if (!*row) break;
    waiting.push_back({static_cast<std::uint64_t>(select_pending_.column_int(0)),
                       static_cast<std::uint64_t>(select_pending_.column_int(1)),
                       std::string(select_pending_.column_text(2))});
  }
  select_pending_.reset();
  const std::string hex = events::to_hex(hash);
  for (const Waiting& w : waiting) {
    auto& pending = pending_[sensor];
    if (pending > 0) --pending;
    events::EventHeader h;
    h.sensor = sensor;
    h.epoch = w.epoch;
    h.seq = w.seq;
    if (w.prev == hex) {
      delete_mark_.bind(1, sensor);
      delete_mark_.bind(2, as_sql(w.epoch));
      delete_mark_.bind(3, as_sql(w.seq));
      if (auto r = delete_mark_.run(); !r) return r;
    } else {
      h.chain = events::ChainLink{seq, w.prev};
      const std::string detail = seq_text(w.seq) + " does not link to " + seq_text(seq) + ", which arrived later";
      problem(h, "chain.broken_link", detail);
      if (auto r = mark(h, "broken_link", seq, detail, received_ns); !r) return r;
    }
  }
  return {};
}

core::Result<void, std::string> IntegrityChecker::check_checkpoint(std::string_view line, const events::EventHeader& h,
                                                                   std::string_view principal,
                                                                   std::int64_t received_ns) {
  auto parsed = events::parse_chained_line(line);
  std::string status;
  std::string code;
  std::string detail;
  if (!parsed || !parsed->checkpoint) {
    status = "malformed";
    code = "checkpoint.malformed";
    detail = "checkpoint " + seq_text(h.seq) + " is not well formed";
  } else {
    const events::Checkpoint& cp = *parsed->checkpoint;
    const std::string key = pinned_key(principal);
    if (key.empty() || cp.key != key) {
      status = "unpinned_key";
      code = "checkpoint.unpinned_key";
      detail = "checkpoint " + seq_text(h.seq) + " is signed by key " + cp.key.substr(0, 16) + "..., " +
               (key.empty() ? "no key is pinned for '" + std::string(principal) + "'" : "not the pinned key");
    } else if (!events::verify_checkpoint_signature(cp, key)) {
      status = "bad_signature";
      code = "checkpoint.bad_signature";
      detail = "checkpoint " + seq_text(h.seq) + ": the signature does not verify";
    } else if (cp.sensor != h.sensor || cp.epoch != h.epoch) {
      status = "malformed";
      code = "checkpoint.inconsistent";
      detail = "checkpoint " + seq_text(h.seq) + " signs another sensor or epoch";
    } else {
      // Usually the head is the event just before the checkpoint, whose link was checked above.
      std::optional<events::ChainHash> stored;
      if (h.chain && h.chain->prev_seq == cp.through_seq) {
        if (auto bytes = events::from_hex(h.chain->prev, events::kChainHashBytes)) {
          stored.emplace();
          std::copy(bytes->begin(), bytes->end(), stored->begin());
        }
      } else {
        auto found = stored_hash(h.sensor, cp.through_seq);
        if (!found) return core::unexpected(found.error());
        stored = *found;
      }
      if (stored && events::to_hex(*stored) != cp.head) {
        status = "head_mismatch";
        code = "checkpoint.head_mismatch";
        detail = "checkpoint " + seq_text(h.seq) + " signs a head that differs from the stored " +
                 seq_text(cp.through_seq);
      }
    }
  }
  if (status.empty()) return {};
  problem(h, code, detail);
  return mark(h, status, 0, detail, received_ns);
}

}  // namespace normwatch::collector
