// The AWS credential chain in the aws CLI's order (see include/deltaglider/s3.h):
// environment, profile files (with credential_process), container endpoint, EC2
// instance metadata (IMDSv2). HTTP goes through http_client.h with short
// timeouts; credential_process runs through posix_spawnp without a shell.
#include "adapters/s3/credentials.h"

#include <fcntl.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <nlohmann/json.hpp>
#include <optional>

#include "adapters/s3/http_client.h"
#include "adapters/s3/xml.h"
#include "util/text.h"

extern char** environ;

namespace deltaglider::s3 {
namespace {

// The environment as the options see it; "" for unset.
class Env {
 public:
  explicit Env(const EnvLookup& lookup) : lookup_(lookup) {}

  std::optional<std::string> Get(const std::string& name) const {
    if (lookup_) return lookup_(name);
    const char* value = std::getenv(name.c_str());
    if (value == nullptr) return std::nullopt;
    return std::string(value);
  }
  std::string Value(const std::string& name) const { return Get(name).value_or(""); }

 private:
  const EnvLookup& lookup_;
};

std::string ExpandHome(const std::string& path, const Env& env) {
  if (path == "~" || path.starts_with("~/")) return env.Value("HOME") + path.substr(1);
  return path;
}

// The file's text, nullopt when it does not exist, an Error when unreadable or
// larger than kMaxIniBytes.
Result<std::optional<std::string>> ReadOptionalFile(const std::string& path) {
  const int fd = open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) {
    if (errno == ENOENT || errno == ENOTDIR) return std::optional<std::string>();
    return MakeError(errno == EACCES ? ErrorCode::kPermissionDenied : ErrorCode::kIoError,
                     "cannot read ", path, ": ", std::strerror(errno));
  }
  std::string text;
  char buffer[8192];
  while (true) {
    const ssize_t n = read(fd, buffer, sizeof buffer);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) {
      const int saved = errno;
      close(fd);
      return MakeError(ErrorCode::kIoError, "cannot read ", path, ": ", std::strerror(saved));
    }
    if (n == 0) break;
    text.append(buffer, static_cast<size_t>(n));
    if (text.size() > kMaxIniBytes) {
      close(fd);
      return MakeError(ErrorCode::kCorrupted, path, ": larger than 1 MiB");
    }
  }
  close(fd);
  return std::optional<std::string>(std::move(text));
}

// One profile as both files describe it.
struct Profile {
  std::string name;
  bool explicitly_named = false;
  bool found = false;
  std::string credentials_path;
  std::string config_path;
  std::map<std::string, std::string> credentials;  // from the credentials file
  std::map<std::string, std::string> config;       // from the config file
};

Result<Profile> LoadProfile(const CredentialOptions& options, const Env& env) {
  Profile profile;
  profile.name = options.profile;
  profile.explicitly_named = !profile.name.empty();
  for (const char* name : {"AWS_PROFILE", "AWS_DEFAULT_PROFILE"}) {
    if (!profile.name.empty()) break;
    profile.name = env.Value(name);
    profile.explicitly_named = !profile.name.empty();
  }
  if (profile.name.empty()) profile.name = "default";

  std::string credentials_path = env.Value("AWS_SHARED_CREDENTIALS_FILE");
  if (credentials_path.empty()) credentials_path = "~/.aws/credentials";
  std::string config_path = env.Value("AWS_CONFIG_FILE");
  if (config_path.empty()) config_path = "~/.aws/config";
  profile.credentials_path = ExpandHome(credentials_path, env);
  profile.config_path = ExpandHome(config_path, env);

  DG_ASSIGN_OR_RETURN(std::optional<std::string> credentials_text,
                      ReadOptionalFile(profile.credentials_path));
  if (credentials_text) {
    DG_ASSIGN_OR_RETURN(IniSections sections,
                        ParseIni(*credentials_text, profile.credentials_path));
    if (auto it = sections.find(profile.name); it != sections.end()) {
      profile.credentials = std::move(it->second);
      profile.found = true;
    }
  }
  DG_ASSIGN_OR_RETURN(std::optional<std::string> config_text,
                      ReadOptionalFile(profile.config_path));
  if (config_text) {
    DG_ASSIGN_OR_RETURN(IniSections sections, ParseIni(*config_text, profile.config_path));
    auto it = sections.find("profile " + profile.name);
    if (it == sections.end() && profile.name == "default") it = sections.find("default");
    if (it != sections.end()) {
      profile.config = std::move(it->second);
      profile.found = true;
    }
  }
  if (profile.explicitly_named && !profile.found) {
    return MakeError(ErrorCode::kNotFound, "AWS profile '", profile.name, "' not found in ",
                     profile.credentials_path, " or ", profile.config_path);
  }
  return profile;
}

std::string Lookup(const std::map<std::string, std::string>& section, const std::string& key) {
  auto it = section.find(key);
  return it == section.end() ? "" : it->second;
}

// Static keys of one profile section; nullopt when it has none.
Result<std::optional<AwsCredentials>> StaticKeys(const std::map<std::string, std::string>& section,
                                                 const std::string& origin,
                                                 const std::string& source) {
  AwsCredentials credentials;
  credentials.access_key_id = Lookup(section, "aws_access_key_id");
  credentials.secret_access_key = Lookup(section, "aws_secret_access_key");
  if (credentials.access_key_id.empty() && credentials.secret_access_key.empty()) {
    return std::optional<AwsCredentials>();
  }
  if (credentials.access_key_id.empty() || credentials.secret_access_key.empty()) {
    return MakeError(ErrorCode::kInvalidArgument, origin, ": ",
                     credentials.access_key_id.empty() ? "aws_secret_access_key without "
                                                         "aws_access_key_id"
                                                       : "aws_access_key_id without "
                                                         "aws_secret_access_key");
  }
  credentials.session_token = Lookup(section, "aws_session_token");
  if (credentials.session_token.empty()) {
    credentials.session_token = Lookup(section, "aws_security_token");
  }
  credentials.source = source;
  return std::optional<AwsCredentials>(std::move(credentials));
}

// Runs `command` (no shell) and returns its standard output; its standard error
// passes through to ours.
Result<std::string> RunProcess(const std::string& command, const std::string& context) {
  DG_ASSIGN_OR_RETURN(std::vector<std::string> words, SplitCommand(command));
  std::vector<char*> argv;
  for (std::string& word : words) argv.push_back(word.data());
  argv.push_back(nullptr);

  int pipe_fds[2];
  if (pipe2(pipe_fds, O_CLOEXEC) != 0) {
    return MakeError(ErrorCode::kResourceExhausted, context, ": pipe: ", std::strerror(errno));
  }
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_adddup2(&actions, pipe_fds[1], STDOUT_FILENO);
  posix_spawn_file_actions_addopen(&actions, STDIN_FILENO, "/dev/null", O_RDONLY, 0);
  pid_t pid = 0;
  const int spawned = posix_spawnp(&pid, argv[0], &actions, nullptr, argv.data(), environ);
  posix_spawn_file_actions_destroy(&actions);
  close(pipe_fds[1]);
  if (spawned != 0) {
    close(pipe_fds[0]);
    return MakeError(ErrorCode::kFailedPrecondition, context, ": cannot run '", words[0],
                     "': ", std::strerror(spawned));
  }
  std::string output;
  bool too_large = false;
  char buffer[4096];
  while (true) {
    const ssize_t n = read(pipe_fds[0], buffer, sizeof buffer);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) break;
    if (output.size() + static_cast<size_t>(n) > kMaxCredentialAnswerBytes) {
      too_large = true;  // keep draining so the child is not stuck on a full pipe
      continue;
    }
    output.append(buffer, static_cast<size_t>(n));
  }
  close(pipe_fds[0]);
  int status = 0;
  while (waitpid(pid, &status, 0) < 0 && errno == EINTR) {
  }
  if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) {
    const std::string how = WIFEXITED(status)
                                ? "exited with status " + std::to_string(WEXITSTATUS(status))
                                : "was killed by a signal";
    return MakeError(ErrorCode::kPermissionDenied, context, ": '", words[0], "' ", how);
  }
  if (too_large) {
    return MakeError(ErrorCode::kCorrupted, context, ": output larger than 64 KiB");
  }
  return output;
}

bool IsTrue(const std::string& value) { return AsciiLower(TrimBlanks(value)) == "true"; }

// "http://host:port/..." -> host, for the container URL check.
std::string UrlHost(std::string_view url) {
  const size_t scheme = url.find("://");
  if (scheme == std::string_view::npos) return "";
  std::string_view rest = url.substr(scheme + 3);
  rest = rest.substr(0, rest.find_first_of("/?#"));
  if (rest.find('@') != std::string_view::npos) return "";
  if (rest.starts_with("[")) return std::string(rest.substr(1, rest.find(']') - 1));
  return std::string(rest.substr(0, rest.find(':')));
}

Result<AwsCredentials> FromContainer(const CredentialOptions& options, const Env& env) {
  DG_ASSIGN_OR_RETURN(const std::string url,
                      ContainerCredentialsUrl(env.Value("AWS_CONTAINER_CREDENTIALS_RELATIVE_URI"),
                                              env.Value("AWS_CONTAINER_CREDENTIALS_FULL_URI")));
  const std::string context = "container credentials from " + url;
  std::string token;
  if (const std::string token_file = env.Value("AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE");
      !token_file.empty()) {
    DG_ASSIGN_OR_RETURN(std::optional<std::string> text, ReadOptionalFile(token_file));
    if (!text) {
      return MakeError(ErrorCode::kNotFound, context, ": token file ", token_file, " is missing");
    }
    token = std::string(TrimBlanks(*text));
  } else {
    token = env.Value("AWS_CONTAINER_AUTHORIZATION_TOKEN");
  }
  if (token.find_first_of("\r\n") != std::string::npos) {
    return MakeError(ErrorCode::kInvalidArgument, context, ": authorization token holds a newline");
  }

  HttpClient http(HttpOptions{.verify_tls = true,
                              .ca_bundle = {},
                              .connect_timeout = options.metadata_timeout,
                              .stall_timeout = std::chrono::seconds(5),
                              .total_timeout = options.metadata_timeout * 2});
  HttpRequest request;
  request.method = "GET";
  request.url = url;
  request.headers.emplace_back("Accept", "application/json");
  if (!token.empty()) request.headers.emplace_back("Authorization", token);
  Result<HttpResponse> response = http.Send(request, nullptr);
  if (!response.ok() && response.code() == ErrorCode::kUnavailable) {
    response = http.Send(request, nullptr);  // one more try, for a blip
  }
  if (!response.ok()) return response.error().Wrap(context);
  if (response->status != 200) {
    return MakeError(response->status == 401 || response->status == 403
                         ? ErrorCode::kPermissionDenied
                         : ErrorCode::kUnavailable,
                     context, ": HTTP ", std::to_string(response->status));
  }
  DG_ASSIGN_OR_RETURN(AwsCredentials credentials,
                      ParseCredentialJson(response->body, context, false));
  credentials.source = "container";
  return credentials;
}

// nullopt when the metadata service does not answer (not on EC2).
Result<std::optional<AwsCredentials>> FromInstanceMetadata(const CredentialOptions& options,
                                                           const Env& env) {
  std::string endpoint = env.Value("AWS_EC2_METADATA_SERVICE_ENDPOINT");
  if (endpoint.empty()) endpoint = "http://169.254.169.254";
  while (endpoint.ends_with("/")) endpoint.pop_back();
  const std::string context = "EC2 instance metadata at " + endpoint;
  HttpClient http(HttpOptions{.verify_tls = true,
                              .ca_bundle = {},
                              .connect_timeout = options.metadata_timeout,
                              .stall_timeout = std::chrono::seconds(5),
                              .total_timeout = options.metadata_timeout});

  HttpRequest put;
  put.method = "PUT";
  put.url = endpoint + "/latest/api/token";
  put.headers.emplace_back("x-aws-ec2-metadata-token-ttl-seconds", "21600");
  Result<HttpResponse> token = http.Send(put, nullptr);
  if (!token.ok() && token.code() == ErrorCode::kUnavailable) {
    return std::optional<AwsCredentials>();  // nobody there: not on EC2
  }
  if (!token.ok()) return token.error().Wrap(context);
  if (token->status != 200 || token->body.empty()) {
    return std::optional<AwsCredentials>();  // IMDSv2 not offered
  }

  auto get = [&](const std::string& path) -> Result<std::string> {
    HttpRequest request;
    request.method = "GET";
    request.url = endpoint + path;
    request.headers.emplace_back("x-aws-ec2-metadata-token", std::string(TrimBlanks(token->body)));
    DG_ASSIGN_OR_RETURN(HttpResponse response, http.Send(request, nullptr));
    if (response.status != 200) {
      return MakeError(ErrorCode::kUnavailable, context, ": GET ", path, ": HTTP ",
                       std::to_string(response.status));
    }
    if (response.body.size() > kMaxCredentialAnswerBytes) {
      return MakeError(ErrorCode::kCorrupted, context, ": answer larger than 64 KiB");
    }
    return std::move(response.body);
  };
  constexpr std::string_view kRolePath = "/latest/meta-data/iam/security-credentials/";
  Result<std::string> roles = get(std::string(kRolePath));
  if (!roles.ok()) return roles.error().Wrap(context);
  const std::string role(TrimBlanks(std::string_view(*roles).substr(0, roles->find('\n'))));
  if (role.empty()) return std::optional<AwsCredentials>();  // no instance profile
  if (role.find_first_of("/?#%") != std::string::npos || role == "." || role == "..") {
    return MakeError(ErrorCode::kCorrupted, context, ": bad role name");
  }
  Result<std::string> document = get(std::string(kRolePath) + role);
  if (!document.ok()) return document.error().Wrap(context);
  DG_ASSIGN_OR_RETURN(AwsCredentials credentials,
                      ParseCredentialJson(*document, context + " role " + role, false));
  credentials.source = "imds";
  return std::optional<AwsCredentials>(std::move(credentials));
}

}  // namespace

Result<std::string> ContainerCredentialsUrl(std::string_view relative_uri,
                                            std::string_view full_uri) {
  if (!relative_uri.empty()) {
    if (relative_uri.find_first_of("@\\ \r\n") != std::string_view::npos) {
      return MakeError(ErrorCode::kInvalidArgument, "AWS_CONTAINER_CREDENTIALS_RELATIVE_URI '",
                       relative_uri, "': not a path");
    }
    return "http://169.254.170.2" + std::string(relative_uri.starts_with("/") ? "" : "/") +
           std::string(relative_uri);
  }
  const std::string url(full_uri);
  const std::string host = UrlHost(url);
  const bool https = AsciiLower(url).starts_with("https://");
  const bool http = AsciiLower(url).starts_with("http://");
  const bool allowed_http = host == "localhost" || host.starts_with("127.") || host == "::1" ||
                            host == "169.254.170.2" || host == "169.254.170.23" ||
                            host == "fd00:ec2::23";
  if (host.empty() || url.find_first_of(" \r\n") != std::string::npos ||
      !(https || (http && allowed_http))) {
    return MakeError(ErrorCode::kInvalidArgument, "AWS_CONTAINER_CREDENTIALS_FULL_URI '", url,
                     "': must be https, or http to a loopback or the ECS/EKS address");
  }
  return url;
}

Result<IniSections> ParseIni(std::string_view text, std::string_view origin) {
  IniSections sections;
  std::map<std::string, std::string>* section = nullptr;
  std::string parent;  // a key with an empty value: indented lines nest under it
  size_t line_number = 0;
  auto bad = [&](std::string_view why) {
    return MakeError(ErrorCode::kCorrupted, origin, ":", std::to_string(line_number), ": ", why);
  };
  while (!text.empty()) {
    ++line_number;
    const size_t end = text.find('\n');
    const std::string_view raw = text.substr(0, end);
    text.remove_prefix(end == std::string_view::npos ? text.size() : end + 1);
    const std::string_view line = TrimBlanks(raw);
    if (line.empty() || line.front() == '#' || line.front() == ';') continue;
    const bool indented = raw.front() == ' ' || raw.front() == '\t';
    if (line.front() == '[') {
      if (line.back() != ']' || line.size() < 3) return bad("malformed section header");
      const std::string name(TrimBlanks(line.substr(1, line.size() - 2)));
      if (name.empty()) return bad("empty section name");
      section = &sections[name];
      parent.clear();
      continue;
    }
    const size_t delimiter = line.find_first_of("=:");
    if (delimiter == std::string_view::npos) return bad("expected 'key = value'");
    if (section == nullptr) return bad("a key before the first [section]");
    std::string key = AsciiLower(TrimBlanks(line.substr(0, delimiter)));
    if (key.empty()) return bad("empty key");
    const std::string value(TrimBlanks(line.substr(delimiter + 1)));
    if (indented && !parent.empty()) {
      (*section)[parent + "." + key] = value;
      continue;
    }
    parent = value.empty() ? key : "";
    (*section)[std::move(key)] = value;
  }
  return sections;
}

Result<std::vector<std::string>> SplitCommand(std::string_view command) {
  std::vector<std::string> words;
  std::string word;
  bool in_word = false;
  for (size_t i = 0; i < command.size(); ++i) {
    const char c = command[i];
    if (c == ' ' || c == '\t' || c == '\n' || c == '\r') {
      if (in_word) words.push_back(std::move(word));
      word.clear();
      in_word = false;
    } else if (c == '\'') {
      const size_t close = command.find('\'', i + 1);
      if (close == std::string_view::npos) {
        return MakeError(ErrorCode::kInvalidArgument, "credential_process: unterminated '");
      }
      word.append(command.substr(i + 1, close - i - 1));
      in_word = true;
      i = close;
    } else if (c == '"') {
      in_word = true;
      bool closed = false;
      for (++i; i < command.size(); ++i) {
        if (command[i] == '"') {
          closed = true;
          break;
        }
        if (command[i] == '\\' && i + 1 < command.size() &&
            (command[i + 1] == '"' || command[i + 1] == '\\')) {
          ++i;
        }
        word.push_back(command[i]);
      }
      if (!closed) {
        return MakeError(ErrorCode::kInvalidArgument, "credential_process: unterminated \"");
      }
    } else if (c == '\\' && i + 1 < command.size()) {
      word.push_back(command[++i]);
      in_word = true;
    } else {
      word.push_back(c);
      in_word = true;
    }
  }
  if (in_word) words.push_back(std::move(word));
  if (words.empty()) return MakeError(ErrorCode::kInvalidArgument, "credential_process: empty");
  return words;
}

Result<AwsCredentials> ParseCredentialJson(std::string_view json, std::string_view origin,
                                           bool process) {
  auto bad = [origin](std::string_view why) {
    return MakeError(ErrorCode::kCorrupted, origin, ": ", why);
  };
  if (json.size() > kMaxCredentialAnswerBytes) return bad("answer larger than 64 KiB");
  const nlohmann::json document = nlohmann::json::parse(json, nullptr, /*allow_exceptions=*/false);
  if (document.is_discarded() || !document.is_object()) return bad("not a JSON object");
  auto text = [&document](const char* name) -> std::optional<std::string> {
    auto it = document.find(name);
    if (it == document.end() || !it->is_string()) return std::nullopt;
    return it->get<std::string>();
  };
  if (process) {
    auto version = document.find("Version");
    if (version == document.end() || !version->is_number_integer() ||
        version->get<int64_t>() != 1) {
      return bad("\"Version\" must be 1");
    }
  } else if (auto code = text("Code"); code && *code != "Success") {
    return MakeError(ErrorCode::kUnavailable, origin, ": Code ", code->substr(0, 64));
  }
  AwsCredentials credentials;
  credentials.access_key_id = text("AccessKeyId").value_or("");
  credentials.secret_access_key = text("SecretAccessKey").value_or("");
  credentials.session_token = text(process ? "SessionToken" : "Token").value_or("");
  if (credentials.access_key_id.empty() || credentials.secret_access_key.empty()) {
    return bad("no AccessKeyId and SecretAccessKey");
  }
  for (const std::string* field :
       {&credentials.access_key_id, &credentials.secret_access_key, &credentials.session_token}) {
    for (char c : *field) {
      if (c < 0x21 || c > 0x7e) return bad("credentials hold unprintable characters");
    }
  }
  if (auto expiration = text("Expiration"); expiration && !expiration->empty()) {
    Result<TimePoint> when = ParseIso8601(*expiration);
    if (!when.ok()) return bad("malformed Expiration");
    credentials.expiration = *when;
  }
  return credentials;
}

}  // namespace deltaglider::s3

namespace deltaglider {

Result<AwsSettings> ResolveSettings(const CredentialOptions& options) {
  const s3::Env env(options.env);
  DG_ASSIGN_OR_RETURN(s3::Profile profile, s3::LoadProfile(options, env));
  AwsSettings settings;
  settings.profile = profile.name;
  for (const char* name : {"AWS_REGION", "AWS_DEFAULT_REGION"}) {
    if (settings.region.empty()) settings.region = env.Value(name);
  }
  if (settings.region.empty()) settings.region = s3::Lookup(profile.config, "region");
  if (settings.region.empty()) settings.region = s3::Lookup(profile.credentials, "region");
  for (const char* name : {"AWS_ENDPOINT_URL_S3", "AWS_ENDPOINT_URL"}) {
    if (settings.endpoint_url.empty()) settings.endpoint_url = env.Value(name);
  }
  if (settings.endpoint_url.empty()) {
    settings.endpoint_url = s3::Lookup(profile.config, "endpoint_url");
  }
  return settings;
}

Result<AwsCredentials> ResolveCredentials(const CredentialOptions& options) {
  if (options.no_sign_request) {
    AwsCredentials anonymous;
    anonymous.source = "no-sign-request";
    return anonymous;
  }
  const s3::Env env(options.env);

  // 1. The environment, unless a profile was named on the command line.
  if (options.profile.empty()) {
    AwsCredentials credentials;
    credentials.access_key_id = env.Value("AWS_ACCESS_KEY_ID");
    credentials.secret_access_key = env.Value("AWS_SECRET_ACCESS_KEY");
    if (!credentials.access_key_id.empty() && !credentials.secret_access_key.empty()) {
      credentials.session_token = env.Value("AWS_SESSION_TOKEN");
      if (credentials.session_token.empty()) {
        credentials.session_token = env.Value("AWS_SECURITY_TOKEN");
      }
      credentials.source = "environment";
      return credentials;
    }
    if (!credentials.access_key_id.empty() || !credentials.secret_access_key.empty()) {
      return MakeError(ErrorCode::kInvalidArgument,
                       credentials.access_key_id.empty()
                           ? "AWS_SECRET_ACCESS_KEY is set but AWS_ACCESS_KEY_ID is not"
                           : "AWS_ACCESS_KEY_ID is set but AWS_SECRET_ACCESS_KEY is not");
    }
  }

  // 2. The profile files.
  DG_ASSIGN_OR_RETURN(s3::Profile profile, s3::LoadProfile(options, env));
  const std::string where = "AWS profile '" + profile.name + "'";
  for (const char* key : {"role_arn", "sso_session", "sso_start_url", "web_identity_token_file"}) {
    if (!s3::Lookup(profile.config, key).empty() || !s3::Lookup(profile.credentials, key).empty()) {
      return MakeError(ErrorCode::kUnsupported, where, " uses ", key,
                       ", which deltaglider does not support yet; export temporary keys "
                       "(AWS_ACCESS_KEY_ID, ...) or use credential_process");
    }
  }
  DG_ASSIGN_OR_RETURN(std::optional<AwsCredentials> shared,
                      s3::StaticKeys(profile.credentials, where + " in " + profile.credentials_path,
                                     "shared-credentials-file"));
  if (shared) return std::move(*shared);
  std::string process = s3::Lookup(profile.credentials, "credential_process");
  if (process.empty()) process = s3::Lookup(profile.config, "credential_process");
  if (!process.empty()) {
    const std::string context = where + " credential_process";
    DG_ASSIGN_OR_RETURN(std::string output, s3::RunProcess(process, context));
    DG_ASSIGN_OR_RETURN(AwsCredentials credentials,
                        s3::ParseCredentialJson(output, context, /*process=*/true));
    credentials.source = "credential_process";
    return credentials;
  }
  DG_ASSIGN_OR_RETURN(
      std::optional<AwsCredentials> configured,
      s3::StaticKeys(profile.config, where + " in " + profile.config_path, "config-file"));
  if (configured) return std::move(*configured);

  // 3. The container endpoint (ECS, EKS pod identity).
  if (!env.Value("AWS_CONTAINER_CREDENTIALS_RELATIVE_URI").empty() ||
      !env.Value("AWS_CONTAINER_CREDENTIALS_FULL_URI").empty()) {
    return s3::FromContainer(options, env);
  }

  // 4. EC2 instance metadata.
  if (!s3::IsTrue(env.Value("AWS_EC2_METADATA_DISABLED"))) {
    DG_ASSIGN_OR_RETURN(std::optional<AwsCredentials> instance,
                        s3::FromInstanceMetadata(options, env));
    if (instance) return std::move(*instance);
  }
  return MakeError(ErrorCode::kFailedPrecondition,
                   "no AWS credentials found: set AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY, "
                   "configure a profile (--profile, ~/.aws/credentials), or pass "
                   "--no-sign-request for public buckets");
}

CredentialProvider::CredentialProvider(AwsCredentials initial, Resolver resolver, Clock clock)
    : current_(std::move(initial)), resolver_(std::move(resolver)), clock_(std::move(clock)) {
  if (!clock_) clock_ = [] { return std::chrono::system_clock::now(); };
}

Result<std::shared_ptr<CredentialProvider>> CredentialProvider::FromChain(
    const CredentialOptions& options) {
  DG_ASSIGN_OR_RETURN(AwsCredentials initial, ResolveCredentials(options));
  return std::make_shared<CredentialProvider>(
      std::move(initial), [options] { return ResolveCredentials(options); });
}

Result<AwsCredentials> CredentialProvider::Current() {
  std::lock_guard lock(mutex_);  // held across a refresh: one at a time
  if (!current_.expiration || !resolver_) return current_;
  const auto now = clock_();
  if (*current_.expiration - now > kRefreshMargin) return current_;
  Result<AwsCredentials> fresh = resolver_();
  if (fresh.ok()) {
    current_ = std::move(*fresh);
    return current_;
  }
  if (now < *current_.expiration) return current_;  // still valid: keep them
  return fresh.error().Wrap("refreshing expired AWS credentials");
}

}  // namespace deltaglider
