// DNP3 anomalies and parse errors: one enum with stable names ("dnp3.<name>") used by the link
// framer, transport reassembly, application parser and session. Rules key on the names, so a name
// is never changed once shipped; add new values at the end of a layer's block.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string_view>

namespace normwatch::protocols::dnp3 {

enum class Anomaly : std::uint8_t {
  none = 0,
  // Link layer (IEEE 1815-2012 clause 9)
  no_sync,                    // bytes that do not start with 0x05 0x64 (resynchronisation)
  bad_link_length,            // LEN field < 5
  bad_link_crc,               // header CRC mismatch (resynchronisation)
  bad_data_crc,               // a user-data block CRC mismatch: the frame's data is not trusted
  link_truncated,             // a frame cut short (end of a datagram, or a short buffer)
  link_function_mismatch,     // user data in a frame whose function carries none, or the reverse
  unknown_link_function,      // reserved primary/secondary link function code
  dir_inconsistent,           // DIR bit contradicts the role this side has shown so far
  // Transport layer (clause 8)
  transport_no_fir,           // a non-first segment with no fragment in progress
  transport_out_of_sequence,  // a segment whose sequence number is not the expected one
  transport_fir_restart,      // a FIR segment while a fragment was in progress (old one dropped)
  fragment_too_long,          // reassembled fragment over Limits::max_fragment_size
  fragment_abandoned,         // partial fragment lost to a stream gap or the end of the flow
  too_many_link_pairs,        // more (side, source, destination) contexts than Limits allow
  // Application layer (clause 4)
  app_too_short,              // fragment shorter than its application header
  unknown_function,           // reserved application function code
  bad_qualifier,              // reserved prefix/range code, or one that cannot encode the object
  bad_range,                  // stop index below start index
  object_truncated,           // an object header or object data runs past the fragment end
  unknown_object,             // group/variation with data whose size is not known
  too_many_objects,           // more object headers than Limits::max_objects_per_fragment
  too_many_points,            // a header's count over Limits::max_points_per_header
  too_many_controls,          // more decoded control/time objects than their storage
  // Session
  role_mismatch,              // request function code from an outstation or response from a master
  too_many_outstanding,       // pairing table full: oldest pending request evicted
};

inline constexpr std::size_t kAnomalyCount = static_cast<std::size_t>(Anomaly::too_many_outstanding) + 1;

// Stable name, e.g. "dnp3.bad_link_crc" ("" for none).
std::string_view name(Anomaly a);
// Short human reason for a malformed PDU record, e.g. "bad data block crc".
std::string_view reason(Anomaly a);

}  // namespace normwatch::protocols::dnp3
