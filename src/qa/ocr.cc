#include "qa/ocr.h"

#include <tesseract/baseapi.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>

#include "core/json.h"
#include "core/subprocess.h"

namespace aiprod {
namespace {

constexpr std::string_view kMagic = "AIPROD-OCR 2";
constexpr const char* kHelperEnv = "AIPROD_INTERNAL_OCR_HELPER";
constexpr double kLoadTimeoutS = 60;  // starting the helper and loading the model
constexpr double kReadTimeoutS = 60;  // one picture
constexpr int kMaxSide = 16384;

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

class InProcessReader final : public OcrReader {
 public:
  static Result<std::unique_ptr<OcrReader>> Open(const std::string& model) {
    ApiPtr api(new tesseract::TessBaseAPI());
    if (api->Init(TessdataDir().c_str(), model.c_str(), tesseract::OEM_LSTM_ONLY) != 0) {
      return Fail(ErrorCode::kUnavailable, "Tesseract cannot load the model '" + model + "'");
    }
    api->SetPageSegMode(tesseract::PSM_AUTO);
    return std::unique_ptr<OcrReader>(new InProcessReader(std::move(api)));
  }

  Result<OcrText> Read(const GreyImage& img, Binarization binarization) override {
    OcrText r;
    if (img.width <= 0 || img.height <= 0) return r;
    if (img.pixels.size() != static_cast<size_t>(img.width) * img.height) {
      return Invalid("image", "pixel count does not match its size");
    }
    api_->SetVariable("thresholding_method",
                      std::to_string(static_cast<int>(binarization)).c_str());
    api_->SetImage(img.pixels.data(), img.width, img.height, 1, img.width);
    api_->SetSourceResolution(300);
    std::unique_ptr<char[], TextDeleter> text(api_->GetUTF8Text());
    // Tesseract writes UTF-8; make sure, since reports must stay valid JSON.
    r.text = Json(text ? text.get() : "").dump(-1, ' ', false, Json::error_handler_t::replace);
    r.text = Json::parse(r.text).get<std::string>();
    r.confidence = api_->MeanTextConf();
    api_->Clear();
    return r;
  }

 private:
  explicit InProcessReader(ApiPtr api) : api_(std::move(api)) {}
  ApiPtr api_;
};

// ---- The helper process ------------------------------------------------------
// Input: kMagic " " model "\n", then per picture "width height binarization\n"
// and width*height bytes. Output: a JSON line per input line: first
// {"ready":true} or {"error":...}, then {"text","confidence"} or {"error"}.
// End of input ends the helper.

// Plain read(2)/write(2): iostreams may not be initialised before main().
class StdinReader {
 public:
  bool Line(std::string& out) {
    for (;;) {
      if (size_t nl = buf_.find('\n'); nl != std::string::npos) {
        out = buf_.substr(0, nl);
        buf_.erase(0, nl + 1);
        return true;
      }
      if (buf_.size() > 4096 || !Fill()) return false;
    }
  }
  bool Bytes(size_t n, std::vector<uint8_t>& out) {
    while (buf_.size() < n) {
      if (!Fill()) return false;
    }
    out.assign(buf_.begin(), buf_.begin() + static_cast<std::ptrdiff_t>(n));
    buf_.erase(0, n);
    return true;
  }

 private:
  bool Fill() {
    char chunk[1 << 16];
    for (;;) {
      ssize_t n = read(0, chunk, sizeof chunk);
      if (n < 0 && errno == EINTR) continue;
      if (n <= 0) return false;
      buf_.append(chunk, static_cast<size_t>(n));
      return true;
    }
  }
  std::string buf_;
};

void WriteLine(const Json& j) {
  std::string s = j.dump(-1, ' ', false, Json::error_handler_t::replace) + "\n";
  const char* p = s.data();
  size_t left = s.size();
  while (left > 0) {
    ssize_t n = write(1, p, left);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) _exit(0);  // the reader went away
    p += n;
    left -= static_cast<size_t>(n);
  }
}

[[noreturn]] void ServeRequests() {
  StdinReader in;
  std::string header;
  if (!in.Line(header) || !header.starts_with(std::string(kMagic) + " ")) _exit(3);
  auto reader = InProcessReader::Open(header.substr(kMagic.size() + 1));
  if (!reader) {
    WriteLine({{"error", reader.error().message}});
    _exit(4);
  }
  WriteLine({{"ready", true}});
  for (std::string line; in.Line(line);) {
    GreyImage img;
    int method = 0;
    if (std::sscanf(line.c_str(), "%d %d %d", &img.width, &img.height, &method) != 3 ||
        img.width < 0 || img.height < 0 || img.width > kMaxSide || img.height > kMaxSide ||
        (method != 0 && method != 1) ||
        !in.Bytes(static_cast<size_t>(img.width) * img.height, img.pixels)) {
      _exit(3);
    }
    auto text = (*reader)->Read(img, static_cast<Binarization>(method));
    if (text) {
      WriteLine({{"text", text->text}, {"confidence", text->confidence}});
    } else {
      WriteLine({{"error", text.error().message}});
    }
  }
  _exit(0);
}

// Runs before main() in every process that links this file; only a helper
// started by OpenOcrReader (marked by the environment) diverts here.
[[gnu::constructor]] void DivertToOcrHelper() {
  const char* mode = std::getenv(kHelperEnv);
  if (mode != nullptr && std::strcmp(mode, "2") == 0) ServeRequests();
}

class HelperReader final : public OcrReader {
 public:
  // nullptr when the helper cannot be started; an error when it ran but
  // could not load the model.
  static Result<std::unique_ptr<OcrReader>> Start(const std::string& model) {
    auto child = ChildProcess::Start({"/proc/self/exe"},
                                     {std::string(kHelperEnv) + "=2", "OMP_THREAD_LIMIT=1"});
    if (!child) return std::unique_ptr<OcrReader>();
    if (!child->Write(std::string(kMagic) + " " + model + "\n", kLoadTimeoutS)) {
      return std::unique_ptr<OcrReader>();
    }
    auto line = child->ReadLine(kLoadTimeoutS);
    if (!line) return std::unique_ptr<OcrReader>();
    auto j = Json::parse(*line, nullptr, false);
    if (j.is_object() && j.contains("error") && j["error"].is_string()) {
      return Fail(ErrorCode::kUnavailable, j["error"].get<std::string>());
    }
    if (!j.is_object() || !j.value("ready", false)) return std::unique_ptr<OcrReader>();
    return std::unique_ptr<OcrReader>(new HelperReader(model, std::move(*child)));
  }

  Result<OcrText> Read(const GreyImage& img, Binarization binarization) override {
    if (!fallback_) {
      auto r = Exchange(img, binarization);
      if (!lost_) return r;
      // The helper died or hung: slower, but still an answer.
      child_.Finish();
      AIPROD_ASSIGN(fallback_, InProcessReader::Open(model_));
    }
    return fallback_->Read(img, binarization);
  }

 private:
  HelperReader(std::string model, ChildProcess child)
      : model_(std::move(model)), child_(std::move(child)) {}

  Result<OcrText> Exchange(const GreyImage& img, Binarization binarization) {
    if (img.width <= 0 || img.height <= 0) return OcrText{};
    if (img.width > kMaxSide || img.height > kMaxSide ||
        img.pixels.size() != static_cast<size_t>(img.width) * img.height) {
      return Invalid("image", "size is out of range or does not match its pixels");
    }
    std::string head = std::to_string(img.width) + " " + std::to_string(img.height) + " " +
                       std::to_string(static_cast<int>(binarization)) + "\n";
    auto lost = [this] {
      lost_ = true;
      return Fail(ErrorCode::kUnavailable, "the OCR helper stopped answering");
    };
    if (!child_.Write(head, kReadTimeoutS) ||
        !child_.Write({reinterpret_cast<const char*>(img.pixels.data()), img.pixels.size()},
                      kReadTimeoutS)) {
      return lost();
    }
    auto line = child_.ReadLine(kReadTimeoutS);
    if (!line) return lost();
    auto j = Json::parse(*line, nullptr, false);
    if (!j.is_object()) return lost();
    if (j.contains("error")) {
      return Fail(ErrorCode::kUnavailable,
                  j["error"].is_string() ? j["error"].get<std::string>() : "OCR failed");
    }
    if (!j["text"].is_string() || !j["confidence"].is_number_integer()) return lost();
    return OcrText{j["text"].get<std::string>(), j["confidence"].get<int>()};
  }

  std::string model_;
  ChildProcess child_;
  bool lost_ = false;
  std::unique_ptr<OcrReader> fallback_;
};

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

Result<std::unique_ptr<OcrReader>> OpenOcrReader(std::string_view model_name) {
  std::string model(model_name);
  if (!OcrModelInstalled(model)) {
    return Fail(ErrorCode::kNotFound, "no Tesseract model '" + model + "' in " + TessdataDir());
  }
  if (std::getenv("OMP_THREAD_LIMIT") == nullptr) {
    AIPROD_ASSIGN(auto helper, HelperReader::Start(model));
    if (helper) return helper;
    // No helper (no /proc, or it died): slower, but still an answer.
  }
  return InProcessReader::Open(model);
}

}  // namespace aiprod
