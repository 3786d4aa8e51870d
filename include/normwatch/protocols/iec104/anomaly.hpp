// Named anomalies of the IEC 60870-5-104 parser and session, with stable strings
// ("iec104.bad_start"), and the parse errors that make an APDU malformed. Names follow the parts of
// the standards they check: APCI framing (104 §5.1), U/S/I formats (§5.2–5.4), the k/w window
// (§5.5), the ASDU data unit identifier (101 §7.2) and information elements (101 §7.2.6).
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>
#include <string_view>

namespace normwatch::protocols::iec104 {

enum class Anomaly : std::uint8_t {
  // Framing over the TCP stream.
  bad_start,              // a byte other than 0x68 where an APDU must start (resync follows)
  bad_length,             // APDU length octet outside 4..253 (resync follows)
  implausible_apdu,       // while resynchronising: 0x68 and a length, but not a believable APDU
  frame_too_large,        // the framer asked for more than the session buffers
  gap,                    // TCP bytes were lost; resynchronised and sequence tracking reset
  // APCI.
  bad_apdu_length,        // S- or U-format APDU whose length is not 4
  reserved_control_bits,  // reserved bits of the control field set
  bad_u_function,         // U-format with no or several function bits
  // ASDU data unit identifier.
  asdu_too_short,         // I-format APDU without a whole data unit identifier
  asdu_length_mismatch,   // length does not match the type's element size and object count
  zero_objects,           // variable structure qualifier with 0 objects
  reserved_type,          // type identification reserved by the standard
  private_type,           // type identification of the private range (136..255)
  type_not_in_104,        // IEC 101-only type (CP24Time2a tags, C_TS_NA_1, C_CD_NA_1)
  reserved_cot,           // cause of transmission 0, 17..19, 42..43
  private_cot,            // cause of transmission of the private range (48..63)
  cot_not_allowed,        // cause of transmission not allowed for this type
  bad_vsq_for_type,       // SQ=1 or several objects where the type allows neither
  zero_common_address,    // common address 0 ("not used")
  broadcast_not_allowed,  // global common address on a type that may not be broadcast
  // Information elements.
  reserved_siq, reserved_diq, reserved_qds, reserved_qdp, reserved_sep, reserved_spe, reserved_oci,
  float_not_finite,       // IEEE 754 NaN or infinity in a measured or set-point value
  reserved_sco,
  invalid_dco,            // double command state 0 or 3 ("not permitted")
  invalid_rco,            // regulating step state 0 or 3 ("not permitted")
  reserved_qoc,           // qualifier of command QU outside 0..3
  reserved_qos, reserved_qoi, reserved_qcc, reserved_qrp, reserved_qpm, reserved_qpa, reserved_coi,
  invalid_fbp,            // test command pattern other than 0x55AA
  reserved_frq, reserved_srq, reserved_scq, reserved_lsq, reserved_afq, reserved_sof,
  bad_segment_length,     // file segment with LOS 0
  invalid_time,           // CP56/CP24/CP16 time field out of range
  reserved_time_bits,     // reserved bits of a CP56Time2a set
  // Session.
  sequence_gap,           // N(S) jumped forward: I-frames missing
  sequence_duplicate,     // N(S) repeated or went back
  ack_of_unsent,          // N(R) acknowledges I-frames the peer never sent
  ack_regressed,          // N(R) lower than an earlier acknowledgement
  i_frame_before_startdt, // I-frame while data transfer is stopped / STARTDT not confirmed
  k_exceeded,             // more than k unacknowledged I-frames outstanding
  w_exceeded,             // receiver acknowledged later than after w I-frames
  unexpected_confirmation,// U-format con without a pending act from the peer
  role_conflict,          // controlling and controlled station evidence disagree
  unanswered_command,     // activation not confirmed within t1 or before the end
  outstanding_limit,      // pairing table full (Limits::max_outstanding_commands)
  anomaly_limit,          // more findings in one APDU than Limits::max_anomalies_per_apdu
  count_
};

inline constexpr std::size_t kAnomalyCount = static_cast<std::size_t>(Anomaly::count_);

// Stable name, e.g. "iec104.bad_start". Never changes once released.
std::string_view name(Anomaly anomaly);

// Why an APDU is malformed. The values a..d carry the numbers of the human-readable reason.
enum class ParseErrorCode : std::uint8_t {
  none,
  bad_start,             // a: first byte
  bad_length,            // a: length octet
  truncated,             // a: bytes given, b: bytes the length octet announces
  trailing_bytes,        // a: bytes given, b: bytes the length octet announces
  bad_apdu_length,       // a: 'S' or 'U', b: length octet
  bad_u_function,        // a: control octet 1
  asdu_too_short,        // a: ASDU bytes, b: header bytes needed
  zero_objects,
  asdu_length_mismatch,  // a: ASDU bytes, b: objects, c: bytes per object, d: fixed bytes
};

struct ParseError {
  ParseErrorCode code = ParseErrorCode::none;
  std::uint16_t a = 0, b = 0, c = 0, d = 0;

  constexpr bool failed() const { return code != ParseErrorCode::none; }
  Anomaly anomaly() const;
};

// Short reason for the record's `malformed` field, e.g. "asdu length 14 != 3*5+6", written into
// `buffer` (64 bytes are always enough); returns a view of it.
std::string_view format_reason(const ParseError& error, std::span<char> buffer);

}  // namespace normwatch::protocols::iec104
