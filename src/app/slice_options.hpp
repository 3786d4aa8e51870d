// The pcap evidence slice options of `normwatch replay` and `normwatch live` (issue 10 §2;
// evidence/slice_recorder.hpp): --slice-dir DIR turns slices on; the window and the memory cap.
#pragma once

#include <CLI/CLI.hpp>

#include <cstddef>
#include <string>

#include "normwatch/evidence/slice_recorder.hpp"

namespace normwatch::app {

struct SliceFlags {
  std::string dir;              // --slice-dir; "" = no slices
  std::size_t before = 8;       // --slice-before
  std::size_t after = 8;        // --slice-after
  double seconds = 10;          // --slice-seconds
  std::size_t memory_mib = 16;  // --slice-memory-mb

  bool enabled() const { return !dir.empty(); }
};

void add_slice_options(CLI::App& cmd, SliceFlags& flags);

evidence::SliceOptions slice_options(const SliceFlags& flags, const std::string& sensor_id, bool attach);

// One line on stderr after the run: slices written, findings with and without one, limits hit.
void print_slice_summary(const evidence::SliceRecorder& recorder, const SliceFlags& flags);

}  // namespace normwatch::app
