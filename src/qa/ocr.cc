#include "qa/ocr.h"

#include <tesseract/baseapi.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <memory>

#include "core/json.h"
#include "core/subprocess.h"

namespace aiprod {
namespace {

constexpr std::string_view kMagic = "AIPROD-OCR 1";
constexpr const char* kHelperEnv = "AIPROD_INTERNAL_OCR_HELPER";

// Where Debian installs the models (tesseract-ocr-<lang> packages).
std::string TessdataDir() {
  if (const char* prefix = std::getenv("TESSDATA_PREFIX"); prefix && *prefix) return prefix;
  return "/usr/share/tesseract-ocr/5/tessdata";
}

struct ApiDeleter {
  void operator()(tesseract::TessBaseAPI* api) const {
    api->End();
    delete api;
  }
};
using ApiPtr = std::unique_ptr<tesseract::TessBaseAPI, ApiDeleter>;

struct TextDeleter {
  void operator()(char* s) const { delete[] s; }
};

Result<std::vector<OcrText>> ReadInProcess(const std::string& model,
                                           std::span<const GreyImage> images) {
  ApiPtr api(new tesseract::TessBaseAPI());
  if (api->Init(TessdataDir().c_str(), model.c_str(), tesseract::OEM_LSTM_ONLY) != 0) {
    return Fail(ErrorCode::kUnavailable, "Tesseract cannot load the model '" + model + "'");
  }
  api->SetPageSegMode(tesseract::PSM_AUTO);
  std::vector<OcrText> out;
  for (const GreyImage& img : images) {
    OcrText r;
    if (img.width > 0 && img.height > 0) {
      api->SetImage(img.pixels.data(), img.width, img.height, 1, img.width);
      api->SetSourceResolution(300);
      std::unique_ptr<char[], TextDeleter> text(api->GetUTF8Text());
      // Tesseract writes UTF-8; make sure, since reports must stay valid JSON.
      r.text = Json(text ? text.get() : "").dump(-1, ' ', false, Json::error_handler_t::replace);
      r.text = Json::parse(r.text).get<std::string>();
      r.confidence = api->MeanTextConf();
      api->Clear();
    }
    out.push_back(std::move(r));
  }
  return out;
}

// ---- The helper process ------------------------------------------------------
// stdin: kMagic "\n" model "\n" count "\n", then per picture "w h\n" and w*h
// bytes. stdout: a JSON array of {"text", "confidence"}.

std::string EncodeRequest(const std::string& model, std::span<const GreyImage> images) {
  std::string req =
      std::string(kMagic) + "\n" + model + "\n" + std::to_string(images.size()) + "\n";
  for (const GreyImage& img : images) {
    req += std::to_string(img.width) + " " + std::to_string(img.height) + "\n";
    req.append(reinterpret_cast<const char*>(img.pixels.data()), img.pixels.size());
  }
  return req;
}

bool DecodeRequest(const std::string& in, std::string& model, std::vector<GreyImage>& images) {
  size_t pos = 0;
  auto line = [&](std::string& out) {
    size_t end = in.find('\n', pos);
    if (end == std::string::npos) return false;
    out = in.substr(pos, end - pos);
    pos = end + 1;
    return true;
  };
  std::string magic, count_text;
  if (!line(magic) || magic != kMagic || !line(model) || !line(count_text)) return false;
  const long count = std::strtol(count_text.c_str(), nullptr, 10);
  if (count < 0 || count > 10000) return false;
  for (long i = 0; i < count; ++i) {
    std::string dims;
    if (!line(dims)) return false;
    GreyImage img;
    if (std::sscanf(dims.c_str(), "%d %d", &img.width, &img.height) != 2 || img.width < 0 ||
        img.height < 0 || img.width > 16384 || img.height > 16384) {
      return false;
    }
    const size_t bytes = static_cast<size_t>(img.width) * img.height;
    if (in.size() - pos < bytes) return false;
    img.pixels.assign(in.begin() + static_cast<std::ptrdiff_t>(pos),
                      in.begin() + static_cast<std::ptrdiff_t>(pos + bytes));
    pos += bytes;
    images.push_back(std::move(img));
  }
  return true;
}

[[noreturn]] void ServeOneBatch() {
  // Plain read(2): iostreams may not be initialised before main().
  std::string in;
  char buf[1 << 16];
  for (;;) {
    ssize_t n = read(0, buf, sizeof buf);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) break;
    in.append(buf, static_cast<size_t>(n));
  }
  std::string model;
  std::vector<GreyImage> images;
  if (!DecodeRequest(in, model, images)) {
    std::fputs("aiprod OCR helper: malformed request\n", stderr);
    _exit(3);
  }
  auto texts = ReadInProcess(model, images);
  if (!texts) {
    std::fprintf(stderr, "aiprod OCR helper: %s\n", texts.error().message.c_str());
    _exit(4);
  }
  Json out = Json::array();
  for (const auto& t : *texts) out.push_back({{"text", t.text}, {"confidence", t.confidence}});
  std::string s = out.dump(-1, ' ', false, Json::error_handler_t::replace);
  std::fwrite(s.data(), 1, s.size(), stdout);
  std::fflush(stdout);
  _exit(0);
}

// Runs before main() in every process that links this file; only a helper
// started by ReadText (marked by the environment) diverts here.
[[gnu::constructor]] void DivertToOcrHelper() {
  const char* mode = std::getenv(kHelperEnv);
  if (mode != nullptr && std::strcmp(mode, "1") == 0) ServeOneBatch();
}

Result<std::vector<OcrText>> ReadInHelper(const std::string& model,
                                          std::span<const GreyImage> images) {
  SubprocessOptions options;
  options.stdin_data = EncodeRequest(model, images);
  options.extra_env = {std::string(kHelperEnv) + "=1", "OMP_THREAD_LIMIT=1"};
  options.timeout_s = 60 + 10.0 * static_cast<double>(images.size());
  AIPROD_ASSIGN(auto run, RunSubprocess({"/proc/self/exe"}, options));
  if (run.exit_code != 0) {
    return Fail(ErrorCode::kUnavailable,
                "the OCR helper failed (exit " + std::to_string(run.exit_code) + "): " + run.err);
  }
  auto j = Json::parse(run.out, nullptr, false);
  if (j.is_discarded() || !j.is_array() || j.size() != images.size()) {
    return Fail(ErrorCode::kUnavailable, "the OCR helper gave a malformed answer");
  }
  std::vector<OcrText> out;
  for (const auto& e : j) out.push_back({e.value("text", ""), e.value("confidence", 0)});
  return out;
}

}  // namespace

GreyImage ToGrey(const RgbImage& image) {
  GreyImage g;
  g.width = image.width;
  g.height = image.height;
  if (image.luma.size() == static_cast<size_t>(g.width) * g.height) {
    g.pixels = image.luma;
    return g;
  }
  g.pixels.resize(static_cast<size_t>(g.width) * g.height);
  const uint8_t* p = image.pixels.data();
  for (size_t i = 0; i < g.pixels.size(); ++i, p += 3) {
    g.pixels[i] = static_cast<uint8_t>((54 * p[0] + 183 * p[1] + 19 * p[2] + 128) >> 8);
  }
  return g;
}

bool OcrModelInstalled(std::string_view model) {
  if (model.empty() || model.find('/') != std::string_view::npos) return false;
  std::error_code ec;
  return std::filesystem::is_regular_file(TessdataDir() + "/" + std::string(model) + ".traineddata",
                                          ec);
}

Result<std::vector<OcrText>> ReadText(std::string_view model_name,
                                      std::span<const GreyImage> images) {
  std::string model(model_name);
  if (!OcrModelInstalled(model)) {
    return Fail(ErrorCode::kNotFound, "no Tesseract model '" + model + "' in " + TessdataDir());
  }
  if (images.empty()) return std::vector<OcrText>{};
  if (std::getenv("OMP_THREAD_LIMIT") != nullptr) return ReadInProcess(model, images);
  auto helped = ReadInHelper(model, images);
  if (helped) return helped;
  // No helper (no /proc, or it died): slower, but still an answer.
  return ReadInProcess(model, images);
}

}  // namespace aiprod
