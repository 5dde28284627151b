#include "qa/mp4_boxes.h"

#include <cctype>
#include <cstdint>
#include <fstream>

namespace aiprod::qa {
namespace {

uint64_t BigEndian(const unsigned char* p, int bytes) {
  uint64_t v = 0;
  for (int i = 0; i < bytes; ++i) v = (v << 8) | p[i];
  return v;
}

bool PlausibleType(const std::string& t) {
  for (char c : t) {
    if (!std::isprint(static_cast<unsigned char>(c))) return false;
  }
  return true;
}

}  // namespace

Result<std::vector<std::string>> TopLevelBoxes(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return Fail(ErrorCode::kIo, "cannot read " + path);
  in.seekg(0, std::ios::end);
  const auto size = static_cast<uint64_t>(in.tellg());
  std::vector<std::string> boxes;
  uint64_t offset = 0;
  while (offset + 8 <= size && boxes.size() < 10000) {
    unsigned char header[16];
    in.seekg(static_cast<std::streamoff>(offset));
    if (!in.read(reinterpret_cast<char*>(header), 8)) break;
    uint64_t box_size = BigEndian(header, 4);
    std::string type(reinterpret_cast<char*>(header + 4), 4);
    if (!PlausibleType(type)) return std::vector<std::string>{};
    if (box_size == 1) {  // 64-bit size follows
      if (!in.read(reinterpret_cast<char*>(header + 8), 8)) break;
      box_size = BigEndian(header + 8, 8);
    } else if (box_size == 0) {  // extends to the end of the file
      box_size = size - offset;
    }
    if (box_size < 8) return std::vector<std::string>{};
    boxes.push_back(type);
    offset += box_size;
  }
  if (boxes.empty() || (boxes.front() != "ftyp" && boxes.front() != "styp"))
    return std::vector<std::string>{};
  return boxes;
}

}  // namespace aiprod::qa
