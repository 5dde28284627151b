// Internal to the manifest's JSON code (manifest.cc, manifest_layers.cc):
// enum name tables and small field readers. Not part of the model's API.
#pragma once

#include <string>
#include <string_view>
#include <utility>

#include "core/error.h"
#include "core/json.h"
#include "model/manifest.h"

namespace aiprod::manifest_fields {

template <typename E>
using Names = std::pair<E, std::string_view>;

inline constexpr Names<TextRole> kRoles[] = {{TextRole::kTitle, "title"},
                                             {TextRole::kSubtitle, "subtitle"},
                                             {TextRole::kBody, "body"},
                                             {TextRole::kCaption, "caption"},
                                             {TextRole::kCta, "cta"}};
inline constexpr Names<TextAlign> kAligns[] = {
    {TextAlign::kCenter, "center"}, {TextAlign::kStart, "start"}, {TextAlign::kEnd, "end"}};
inline constexpr Names<Easing> kEasings[] = {{Easing::kLinear, "linear"},
                                             {Easing::kEaseIn, "ease_in"},
                                             {Easing::kEaseOut, "ease_out"},
                                             {Easing::kEaseInOut, "ease_in_out"}};
inline constexpr Names<Animation::Property> kProperties[] = {
    {Animation::Property::kX, "x"},
    {Animation::Property::kY, "y"},
    {Animation::Property::kOpacity, "opacity"},
    {Animation::Property::kScale, "scale"},
    {Animation::Property::kReveal, "reveal"}};
inline constexpr Names<Transition::Kind> kTransitions[] = {
    {Transition::Kind::kCut, "cut"},
    {Transition::Kind::kCrossfade, "crossfade"},
    {Transition::Kind::kWipe, "wipe"},
    {Transition::Kind::kSlide, "slide"}};
inline constexpr Names<Transition::Direction> kTransitionDirections[] = {
    {Transition::Direction::kLeft, "left"},
    {Transition::Direction::kRight, "right"},
    {Transition::Direction::kUp, "up"},
    {Transition::Direction::kDown, "down"}};
inline constexpr Names<Background::Direction> kDirections[] = {
    {Background::Direction::kToBottom, "to bottom"}, {Background::Direction::kToRight, "to right"}};
inline constexpr Names<ImageFit> kFits[] = {
    {ImageFit::kFit, "fit"}, {ImageFit::kFill, "fill"}, {ImageFit::kCrop, "crop"}};
inline constexpr Names<LogoLayer::Corner> kCorners[] = {
    {LogoLayer::Corner::kTopLeft, "top_left"},
    {LogoLayer::Corner::kTopRight, "top_right"},
    {LogoLayer::Corner::kBottomLeft, "bottom_left"},
    {LogoLayer::Corner::kBottomRight, "bottom_right"}};

template <typename E, size_t N>
std::string_view NameOf(const Names<E> (&table)[N], E value) {
  for (const auto& [v, name] : table) {
    if (v == value) return name;
  }
  return "?";
}

// Reads an enum by name; a missing key keeps `fallback`.
template <typename E, size_t N>
Result<E> EnumField(const ObjectReader& r, std::string_view key, const Names<E> (&table)[N],
                    E fallback) {
  AIPROD_ASSIGN(auto s, r.OptString(key, 64));
  if (!s) return fallback;
  std::string names;
  for (const auto& [v, name] : table) {
    if (name == *s) return v;
    names += (names.empty() ? "" : ", ") + std::string(name);
  }
  return Invalid(r.PathOf(key), "must be one of " + names);
}

inline Result<Color> ColorField(const ObjectReader& r, std::string_view key, Color fallback) {
  AIPROD_ASSIGN(auto s, r.OptString(key, 16));
  if (!s) return fallback;
  return ParseColor(*s, r.PathOf(key));
}

// A required, syntactically safe asset path.
inline Result<std::string> AssetField(const ObjectReader& r, std::string_view key) {
  if (!r.Find(key)) return Invalid(r.PathOf(key), "is required");
  AIPROD_ASSIGN(std::string path, r.String(key, 1024));
  AIPROD_TRY(CheckAssetPath(path, r.PathOf(key)));
  return path;
}

inline Json ColorJson(const Color& c) { return c.ToHex(); }

inline Json BoxJson(const Box& b) { return {{"x", b.x}, {"y", b.y}, {"w", b.w}, {"h", b.h}}; }

Result<Box> BoxFrom(const Json& j, const std::string& path, const Canvas& c);

// One layer of a scene lasting `scene_s` (manifest_layers.cc).
Result<Layer> LayerFrom(const Json& j, const std::string& path, const Canvas& canvas,
                        double scene_s, const ManifestLimits& limits);
Json LayerJson(const Layer& l);

}  // namespace aiprod::manifest_fields
