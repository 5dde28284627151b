#include "render/speech_helper.h"

#include <espeak-ng/speak_lib.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <csignal>
#include <cstdlib>
#include <cstring>
#include <mutex>
#include <string>

#include "core/thread_annotations.h"

extern char** environ;

namespace aiprod {
namespace {

constexpr const char* kHelperEnv = "AIPROD_INTERNAL_SPEECH_HELPER=1";
constexpr uint32_t kMagic = 0x53504b31;  // "SPK1"
constexpr uint32_t kMaxText = 1 << 20;
constexpr int kTimeoutMs = 60'000;

// Result codes: a child's exit status, forwarded in the response.
enum HelperCode : int32_t {
  kOk = 0,
  kInitFailed = 1,
  kNoVoice = 2,
  kSynthFailed = 3,
  kCrashed = 4
};

struct RequestHeader {
  uint32_t magic;
  int32_t rate_wpm, pitch;
  uint32_t voice_len, text_len;
};
struct ResponseHeader {
  uint32_t magic;
  int32_t status;
  int32_t sample_rate;
  uint32_t reserved;
  uint64_t samples;
};

// Writes all of `data`; MSG_NOSIGNAL keeps a dead peer from raising SIGPIPE.
bool SendAll(int fd, const void* data, size_t bytes) {
  const auto* p = static_cast<const char*>(data);
  while (bytes > 0) {
    ssize_t n = send(fd, p, bytes, MSG_NOSIGNAL);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0 && errno == ENOTSOCK) n = write(fd, p, bytes);  // a pipe
    if (n <= 0) return false;
    p += n;
    bytes -= static_cast<size_t>(n);
  }
  return true;
}

// Reads exactly `bytes`; false on end of file, error or (timeout_ms >= 0) timeout.
bool RecvAll(int fd, void* data, size_t bytes, int timeout_ms) {
  auto* p = static_cast<char*>(data);
  while (bytes > 0) {
    if (timeout_ms >= 0) {
      pollfd pfd{fd, POLLIN, 0};
      int ready = poll(&pfd, 1, timeout_ms);
      if (ready < 0 && errno == EINTR) continue;
      if (ready <= 0) return false;
    }
    ssize_t n = read(fd, p, bytes);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return false;
    p += n;
    bytes -= static_cast<size_t>(n);
  }
  return true;
}

// ---- In the helper process ----------------------------------------------

std::vector<int16_t>* g_sink = nullptr;  // set only in a synthesis child

int Collect(short* wav, int count, espeak_EVENT* /*events*/) {
  if (wav != nullptr && count > 0) g_sink->insert(g_sink->end(), wav, wav + count);
  return 0;
}

// The synthesis child: a fresh espeak-ng, the samples written to `fd` as
// (int32 rate, int16 samples...). Exits with a HelperCode.
[[noreturn]] void SynthesizeChild(int32_t rate_wpm, int32_t pitch, const std::string& voice,
                                  const std::string& text, int fd) {
  if (fd > 3) close_range(3, static_cast<unsigned>(fd) - 1, 0);
  close_range(static_cast<unsigned>(fd) + 1, ~0U, 0);
  int32_t rate =
      espeak_Initialize(AUDIO_OUTPUT_SYNCHRONOUS, 0, nullptr, espeakINITIALIZE_DONT_EXIT);
  if (rate <= 0) _exit(kInitFailed);
  if (espeak_SetVoiceByName(voice.c_str()) != EE_OK) _exit(kNoVoice);
  espeak_SetParameter(espeakRATE, rate_wpm, 0);
  espeak_SetParameter(espeakPITCH, pitch, 0);
  std::vector<int16_t> samples;
  g_sink = &samples;
  espeak_SetSynthCallback(Collect);
  if (!text.empty() && espeak_Synth(text.c_str(), text.size() + 1, 0, POS_CHARACTER, 0,
                                    espeakCHARS_UTF8, nullptr, nullptr) != EE_OK) {
    _exit(kSynthFailed);
  }
  if (!SendAll(fd, &rate, sizeof rate) ||
      !SendAll(fd, samples.data(), samples.size() * sizeof(int16_t))) {
    _exit(kSynthFailed);
  }
  _exit(kOk);
}

// Serves requests on fd 0 (answers on fd 1) until the parent goes away. The
// helper stays single-threaded, so forking it is safe.
[[noreturn]] void ServeRequests() {
  signal(SIGPIPE, SIG_IGN);
  for (;;) {
    RequestHeader h;
    if (!RecvAll(0, &h, sizeof h, -1) || h.magic != kMagic || h.voice_len > 64 ||
        h.text_len > kMaxText) {
      _exit(0);
    }
    std::string voice(h.voice_len, '\0'), text(h.text_len, '\0');
    if (!RecvAll(0, voice.data(), voice.size(), -1) || !RecvAll(0, text.data(), text.size(), -1)) {
      _exit(0);
    }
    std::string out;
    int32_t status = kCrashed;
    int fds[2];
    if (pipe(fds) == 0) {
      pid_t pid = fork();
      if (pid == 0) {
        close(fds[0]);
        SynthesizeChild(h.rate_wpm, h.pitch, voice, text, fds[1]);
      }
      close(fds[1]);
      char buf[1 << 16];
      ssize_t n;
      while ((n = read(fds[0], buf, sizeof buf)) > 0 || (n < 0 && errno == EINTR)) {
        if (n > 0) out.append(buf, static_cast<size_t>(n));
      }
      close(fds[0]);
      int wstatus = 0;
      if (pid > 0) {
        while (waitpid(pid, &wstatus, 0) < 0 && errno == EINTR) {
        }
        status = WIFEXITED(wstatus) ? WEXITSTATUS(wstatus) : kCrashed;
      }
    }
    ResponseHeader r{kMagic, status, 0, 0, 0};
    if (status == kOk && out.size() >= sizeof(int32_t)) {
      std::memcpy(&r.sample_rate, out.data(), sizeof(int32_t));
      r.samples = (out.size() - sizeof(int32_t)) / sizeof(int16_t);
    } else if (status == kOk) {
      r.status = kCrashed;
    }
    if (!SendAll(1, &r, sizeof r) ||
        (r.samples > 0 && !SendAll(1, out.data() + sizeof(int32_t), r.samples * sizeof(int16_t)))) {
      _exit(0);
    }
  }
}

// Runs before main() in every process that links this file; only a helper
// started by SpeechHelper::Start (marked by the environment) diverts here.
[[gnu::constructor]] void DivertToHelper() {
  const char* mode = std::getenv("AIPROD_INTERNAL_SPEECH_HELPER");
  if (mode != nullptr && std::strcmp(mode, "1") == 0) ServeRequests();
}

// ---- In this process --------------------------------------------------------

class SpeechHelper {
 public:
  ~SpeechHelper() { Stop(); }

  Result<RawSpeech> Run(const SpeechRequest& r) {
    MutexLock lock(mu_);
    for (int attempt = 0;; ++attempt) {
      if (pid_ < 0) AIPROD_TRY(Start());
      auto raw = Exchange(r);
      if (raw || raw.error().code != ErrorCode::kUnavailable || attempt == 1) return raw;
      Stop();  // the helper died or hung: start a new one and retry once
    }
  }

 private:
  Status Start() REQUIRES(mu_) {
    int sv[2];
    if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv) != 0) {
      return Fail(ErrorCode::kUnavailable, "cannot create a socket for the speech helper");
    }
    posix_spawn_file_actions_t actions;
    posix_spawn_file_actions_init(&actions);
    posix_spawn_file_actions_adddup2(&actions, sv[1], 0);
    posix_spawn_file_actions_adddup2(&actions, sv[1], 1);
    posix_spawnattr_t attr;
    posix_spawnattr_init(&attr);
    sigset_t none, all;
    sigemptyset(&none);
    sigfillset(&all);
    posix_spawnattr_setsigmask(&attr, &none);
    posix_spawnattr_setsigdefault(&attr, &all);
    posix_spawnattr_setflags(&attr, POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF);
    std::vector<char*> env;
    for (char** e = environ; *e != nullptr; ++e) env.push_back(*e);
    std::string marker = kHelperEnv;
    env.push_back(marker.data());
    env.push_back(nullptr);
    std::string name = "aiprod-speech-helper";
    char* argv[] = {name.data(), nullptr};
    pid_t pid = -1;
    int err = posix_spawn(&pid, "/proc/self/exe", &actions, &attr, argv, env.data());
    posix_spawn_file_actions_destroy(&actions);
    posix_spawnattr_destroy(&attr);
    close(sv[1]);
    if (err != 0) {
      close(sv[0]);
      return Fail(ErrorCode::kUnavailable,
                  std::string("cannot start the speech helper: ") + std::strerror(err));
    }
    pid_ = pid;
    sock_ = sv[0];
    return {};
  }

  void Stop() REQUIRES(mu_) {
    if (sock_ >= 0) close(sock_);
    sock_ = -1;
    if (pid_ > 0) {
      kill(pid_, SIGKILL);
      while (waitpid(pid_, nullptr, 0) < 0 && errno == EINTR) {
      }
    }
    pid_ = -1;
  }

  Result<RawSpeech> Exchange(const SpeechRequest& r) REQUIRES(mu_) {
    RequestHeader h{kMagic, r.rate_wpm, r.pitch, static_cast<uint32_t>(r.voice.size()),
                    static_cast<uint32_t>(r.text.size())};
    if (r.text.size() > kMaxText) return Invalid("text", "is too long to speak");
    auto lost = [] { return Fail(ErrorCode::kUnavailable, "the speech helper stopped answering"); };
    if (!SendAll(sock_, &h, sizeof h) || !SendAll(sock_, r.voice.data(), r.voice.size()) ||
        !SendAll(sock_, r.text.data(), r.text.size())) {
      return lost();
    }
    ResponseHeader resp;
    if (!RecvAll(sock_, &resp, sizeof resp, kTimeoutMs) || resp.magic != kMagic) return lost();
    RawSpeech raw;
    raw.rate = resp.sample_rate;
    raw.samples.resize(resp.samples);
    if (!RecvAll(sock_, raw.samples.data(), raw.samples.size() * sizeof(int16_t), kTimeoutMs)) {
      return lost();
    }
    switch (resp.status) {
      case kOk:
        return raw;
      case kNoVoice:
        return Invalid("voice", "espeak-ng has no voice '" + r.voice + "'");
      case kInitFailed:
        return Fail(ErrorCode::kInternal, "espeak-ng failed to initialise (data missing?)");
      default:
        return Fail(ErrorCode::kInternal, "espeak-ng synthesis failed");
    }
  }

  Mutex mu_;
  pid_t pid_ GUARDED_BY(mu_) = -1;
  int sock_ GUARDED_BY(mu_) = -1;
};

}  // namespace

Result<RawSpeech> SynthesizeWithHelper(const SpeechRequest& request) {
  static SpeechHelper helper;  // one per process; stopped at exit
  return helper.Run(request);
}

}  // namespace aiprod
