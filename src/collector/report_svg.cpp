// The compliance report's timeline (issue 10 §4): events per time bucket of the period, stacked
// by severity, as inline SVG (no script, no external resource). Health events are not drawn.
#include <algorithm>
#include <cstdio>

#include "normwatch/collector/report.hpp"

namespace normwatch::collector {

namespace {

constexpr int kWidth = 960;
constexpr int kHeight = 240;
constexpr int kLeft = 48;     // room for the count axis
constexpr int kRight = 12;
constexpr int kTop = 12;
constexpr int kBottom = 40;   // room for the time axis
// Severity colours, info .. critical (the same as the page's .sev-* classes).
constexpr const char* kColours[5] = {"#8fa3b8", "#4f9fd6", "#e0b000", "#e8701a", "#c4161c"};

std::string number(double v) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.1f", v);
  return buf;
}

}  // namespace

std::string render_timeline_svg(const ReportData& d) {
  const std::size_t n = d.timeline.size();
  std::uint64_t peak = 0;
  for (const auto& bucket : d.timeline) {
    std::uint64_t sum = 0;
    for (std::uint64_t c : bucket) sum += c;
    peak = std::max(peak, sum);
  }
  const double plot_w = kWidth - kLeft - kRight;
  const double plot_h = kHeight - kTop - kBottom;
  const double bar_w = n == 0 ? 0 : plot_w / static_cast<double>(n);
  std::string s = "<svg xmlns=\"http://www.w3.org/2000/svg\" id=\"timeline\" role=\"img\" viewBox=\"0 0 " +
                  std::to_string(kWidth) + " " + std::to_string(kHeight) +
                  "\" aria-label=\"Events per time bucket by severity\">";
  // Axes and the peak label.
  s += "<line x1=\"" + std::to_string(kLeft) + "\" y1=\"" + std::to_string(kTop) + "\" x2=\"" + std::to_string(kLeft) +
       "\" y2=\"" + number(kTop + plot_h) + "\" stroke=\"#555\"/>";
  s += "<line x1=\"" + std::to_string(kLeft) + "\" y1=\"" + number(kTop + plot_h) + "\" x2=\"" +
       number(kLeft + plot_w) + "\" y2=\"" + number(kTop + plot_h) + "\" stroke=\"#555\"/>";
  s += "<text x=\"" + std::to_string(kLeft - 6) + "\" y=\"" + std::to_string(kTop + 10) +
       "\" text-anchor=\"end\" font-size=\"11\">" + std::to_string(peak) + "</text>";
  s += "<text x=\"" + std::to_string(kLeft - 6) + "\" y=\"" + number(kTop + plot_h) +
       "\" text-anchor=\"end\" font-size=\"11\">0</text>";
  for (std::size_t i = 0; i < n && peak > 0; ++i) {
    double y = kTop + plot_h;
    const std::int64_t start = d.timeline_start_ns + static_cast<std::int64_t>(i) * d.timeline_bucket_ns;
    std::string tip = core::Timestamp{start}.to_rfc3339() + ":";
    for (int sev = 4; sev >= 0; --sev) {
      if (d.timeline[i][sev] > 0) tip += " " + std::to_string(d.timeline[i][sev]) + " " + kSeverityNames[sev];
    }
    for (int sev = 0; sev < 5; ++sev) {
      const std::uint64_t c = d.timeline[i][sev];
      if (c == 0) continue;
      const double h = plot_h * static_cast<double>(c) / static_cast<double>(peak);
      y -= h;
      s += "<rect class=\"bar\" x=\"" + number(kLeft + bar_w * static_cast<double>(i) + 1) + "\" y=\"" + number(y) +
           "\" width=\"" + number(std::max(1.0, bar_w - 2)) + "\" height=\"" + number(h) + "\" fill=\"" +
           kColours[sev] + "\"><title>" + html_escape(tip) + "</title></rect>";
    }
  }
  // Time axis: start, middle and end of the period.
  const std::int64_t span = d.timeline_bucket_ns * static_cast<std::int64_t>(n);
  const struct {
    double x;
    std::int64_t t;
    const char* anchor;
  } ticks[] = {{static_cast<double>(kLeft), d.timeline_start_ns, "start"},
               {kLeft + plot_w / 2, d.timeline_start_ns + span / 2, "middle"},
               {kLeft + plot_w, d.timeline_start_ns + span, "end"}};
  for (const auto& t : ticks) {
    s += "<text x=\"" + number(t.x) + "\" y=\"" + number(kTop + plot_h + 16) + "\" text-anchor=\"" + t.anchor +
         "\" font-size=\"11\">" + html_escape(core::Timestamp{t.t}.to_rfc3339()) + "</text>";
  }
  // Legend.
  double x = kLeft;
  for (int sev = 4; sev >= 0; --sev) {
    s += "<rect x=\"" + number(x) + "\" y=\"" + number(kHeight - 14) + "\" width=\"10\" height=\"10\" fill=\"" +
         kColours[sev] + "\"/><text x=\"" + number(x + 14) + "\" y=\"" + number(kHeight - 5) +
         "\" font-size=\"11\">" + kSeverityNames[sev] + "</text>";
    x += 80;
  }
  if (peak == 0) {
    s += "<text x=\"" + number(kLeft + plot_w / 2) + "\" y=\"" + number(kTop + plot_h / 2) +
         "\" text-anchor=\"middle\" font-size=\"13\" fill=\"#555\">no events in the period</text>";
  }
  s += "</svg>";
  return s;
}

}  // namespace normwatch::collector
