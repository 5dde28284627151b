#include "render/captions.h"

#include <glib.h>

#include <algorithm>
#include <cmath>
#include <cstdio>

#include "core/json.h"
#include "render/cairo_handles.h"
#include "render/text_layout.h"

namespace aiprod {
namespace {

size_t Chars(std::string_view s) {
  return static_cast<size_t>(g_utf8_strlen(s.data(), static_cast<gssize>(s.size())));
}

std::string Trim(std::string_view s) {
  size_t b = 0, e = s.size();
  while (b < e && (s[b] == ' ' || s[b] == '\n' || s[b] == '\t')) ++b;
  while (e > b && (s[e - 1] == ' ' || s[e - 1] == '\n' || s[e - 1] == '\t')) --e;
  return std::string(s.substr(b, e - b));
}

// Sentences: text up to . ! ? (or their full-width forms) and the spaces after.
std::vector<std::string> Sentences(const std::string& text) {
  std::vector<std::string> out;
  std::string cur;
  const char* p = text.c_str();
  while (*p != '\0') {
    const char* next = g_utf8_next_char(p);
    const gunichar c = g_utf8_get_char(p);
    cur.append(p, next);
    const bool end = c == '.' || c == '!' || c == '?' || c == 0x3002 || c == 0xFF01 ||
                     c == 0xFF1F || c == 0x061F || c == 0x06D4;
    if (end && (*next == '\0' || *next == ' ' || c > 0x7f)) {
      std::string t = Trim(cur);
      if (!t.empty()) out.push_back(t);
      cur.clear();
    }
    p = next;
  }
  std::string t = Trim(cur);
  if (!t.empty()) out.push_back(t);
  return out;
}

// Pieces of at most `max` characters: between words when the text has
// spaces, else between characters.
std::vector<std::string> Chunks(const std::string& sentence, size_t max) {
  std::vector<std::string> out;
  if (Chars(sentence) <= max) return {sentence};
  std::string cur;
  size_t cur_chars = 0;
  const bool spaced = sentence.find(' ') != std::string::npos;
  const char* p = sentence.c_str();
  while (*p != '\0') {
    // The next unit: a word (with its trailing space) or one character.
    const char* end = p;
    if (spaced) {
      while (*end != '\0' && *end != ' ') end = g_utf8_next_char(end);
      while (*end == ' ') ++end;
    } else {
      end = g_utf8_next_char(p);
    }
    const std::string unit(p, end);
    const size_t n = Chars(unit);
    if (cur_chars > 0 && cur_chars + n > max) {
      out.push_back(Trim(cur));
      cur.clear();
      cur_chars = 0;
    }
    cur += unit;
    cur_chars += n;
    p = end;
  }
  if (!Trim(cur).empty()) out.push_back(Trim(cur));
  return out;
}

std::string VttTime(double s) {
  const auto ms = static_cast<int64_t>(std::llround(std::max(0.0, s) * 1000));
  char buf[32];
  std::snprintf(buf, sizeof buf, "%02lld:%02lld:%02lld.%03lld",
                static_cast<long long>(ms / 3'600'000), static_cast<long long>(ms / 60'000 % 60),
                static_cast<long long>(ms / 1000 % 60), static_cast<long long>(ms % 1000));
  return buf;
}

std::string VttEscape(const std::string& s) {
  std::string out;
  for (char c : s) {
    if (c == '&') {
      out += "&amp;";
    } else if (c == '<') {
      out += "&lt;";
    } else if (c == '>') {
      out += "&gt;";
    } else if (c == '\n') {
      out += ' ';
    } else {
      out += c;
    }
  }
  return out;
}

// The caption text over a rounded box of the background colour; the picture
// starts on even pixels (yuv420p chroma).
TextRaster WithBackground(const TextRaster& text, const Color& bg, double pad) {
  TextRaster r;
  const int ipad = static_cast<int>(std::ceil(pad));
  r.x = (text.x - ipad) & ~1;
  r.y = (text.y - ipad) & ~1;
  r.width = ((text.x + text.width + ipad - r.x) + 1) & ~1;
  r.height = ((text.y + text.height + ipad - r.y) + 1) & ~1;
  r.stride = r.width * 4;
  r.pixels.assign(static_cast<size_t>(r.width) * r.height, 0);
  gfx::SurfacePtr surface(
      cairo_image_surface_create_for_data(reinterpret_cast<unsigned char*>(r.pixels.data()),
                                          CAIRO_FORMAT_ARGB32, r.width, r.height, r.stride));
  gfx::CairoPtr cr(cairo_create(surface.get()));
  if (bg.a > 0) {
    const double rad = pad / 2, w = r.width, h = r.height;
    cairo_new_sub_path(cr.get());
    cairo_arc(cr.get(), w - rad, rad, rad, -G_PI / 2, 0);
    cairo_arc(cr.get(), w - rad, h - rad, rad, 0, G_PI / 2);
    cairo_arc(cr.get(), rad, h - rad, rad, G_PI / 2, G_PI);
    cairo_arc(cr.get(), rad, rad, rad, G_PI, 3 * G_PI / 2);
    cairo_close_path(cr.get());
    cairo_set_source_rgba(cr.get(), bg.r / 255.0, bg.g / 255.0, bg.b / 255.0, bg.a / 255.0);
    cairo_fill(cr.get());
  }
  gfx::SurfacePtr src(cairo_image_surface_create_for_data(
      reinterpret_cast<unsigned char*>(const_cast<uint32_t*>(text.pixels.data())),
      CAIRO_FORMAT_ARGB32, text.width, text.height, text.stride));
  cairo_set_source_surface(cr.get(), src.get(), text.x - r.x, text.y - r.y);
  cairo_paint(cr.get());
  cairo_surface_flush(surface.get());
  return r;
}

}  // namespace

std::vector<CaptionCue> SplitCaptions(const std::vector<NarrationCue>& narration) {
  std::vector<CaptionCue> cues;
  for (const NarrationCue& n : narration) {
    std::vector<std::string> pieces;
    for (const std::string& s : Sentences(n.text)) {
      for (std::string& c : Chunks(s, kMaxCueChars)) pieces.push_back(std::move(c));
    }
    size_t total = 0;
    for (const auto& p : pieces) total += std::max<size_t>(1, Chars(p));
    double t = n.start_s;
    size_t done = 0;
    for (const auto& p : pieces) {
      done += std::max<size_t>(1, Chars(p));
      const double end = n.start_s + (n.end_s - n.start_s) * static_cast<double>(done) /
                                         static_cast<double>(std::max<size_t>(1, total));
      cues.push_back({n.scene, t, end, p});
      t = end;
    }
  }
  return cues;
}

std::string WebVtt(const std::vector<CaptionCue>& cues) {
  std::string out = "WEBVTT\n";
  for (size_t i = 0; i < cues.size(); ++i) {
    out += "\n" + std::to_string(i + 1) + "\n" + VttTime(cues[i].start_s) + " --> " +
           VttTime(cues[i].end_s) + "\n" + VttEscape(cues[i].text) + "\n";
  }
  return out;
}

Result<FrameOverlays> CaptionOverlays(const std::vector<CaptionCue>& cues, const Manifest& m,
                                      const CanvasMapping& map, int fps) {
  const CaptionStyle& style = m.captions;
  std::vector<FrameOverlay> items;
  const double cw = map.canvas_width, ch = map.canvas_height;
  const double size = style.size_px.value_or(0.045 * ch);
  for (const CaptionCue& cue : cues) {
    const int64_t begin = std::llround(cue.start_s * fps), end = std::llround(cue.end_s * fps);
    if (end <= begin) continue;
    TextLayer layer;
    layer.text = cue.text;
    layer.role = TextRole::kCaption;
    layer.font = style.font;
    layer.size_px = size;
    layer.color = style.color;
    layer.box = Box{0.1 * cw, 0.80 * ch - 2.6 * size, 0.8 * cw, 2.6 * size};
    auto plan = PlanText(layer, map, m.lang, m.rtl, "captions");
    if (!plan) return Unexpected(plan.error());
    AIPROD_ASSIGN(TextRaster text, RasterizeText(*plan));
    FrameOverlay o;
    o.begin = begin;
    o.end = end;
    o.raster = WithBackground(text, style.background, map.Len(size) * 0.35);
    o.description = "caption|" + cue.text + "|" + style.font + "|" + FormatNumber(size) + "|" +
                    style.color.ToHex() + "|" + style.background.ToHex();
    items.push_back(std::move(o));
  }
  return FrameOverlays(std::move(items));
}

}  // namespace aiprod
