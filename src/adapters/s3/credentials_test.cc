// The AWS credential chain: each source with injected environment variables,
// temporary profile files, a tiny credential_process script, and the container
// and EC2 metadata endpoints served by a scripted server on 127.0.0.1. The real
// metadata address (169.254.169.254) is never contacted: every test either sets
// AWS_EC2_METADATA_DISABLED=true or points AWS_EC2_METADATA_SERVICE_ENDPOINT at a
// local server or a closed local port.
#include "adapters/s3/credentials.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <sys/stat.h>

#include <atomic>
#include <chrono>
#include <map>
#include <random>

#include "adapters/s3/scripted_http_server.h"
#include "tests/testutil/moto_server.h"
#include "tests/testutil/temp_dir.h"

namespace deltaglider {
namespace {

using s3test::Reply;
using s3test::ScriptedServer;
using ::testing::ElementsAre;
using ::testing::HasSubstr;

class Credentials : public ::testing::Test {
 protected:
  // A clean environment: HOME in the temp dir (no real ~/.aws), metadata off.
  Credentials() { env_ = {{"HOME", tmp_.path()}, {"AWS_EC2_METADATA_DISABLED", "true"}}; }

  CredentialOptions Options(std::string profile = "") {
    CredentialOptions options;
    options.profile = std::move(profile);
    options.env = [this](const std::string& name) -> std::optional<std::string> {
      auto it = env_.find(name);
      if (it == env_.end()) return std::nullopt;
      return it->second;
    };
    options.metadata_timeout = std::chrono::milliseconds(500);
    return options;
  }

  void WriteProfiles(const std::string& credentials, const std::string& config) {
    testing::WriteFile(tmp_.Sub(".aws/credentials"), credentials);
    testing::WriteFile(tmp_.Sub(".aws/config"), config);
  }

  testing::TempDir tmp_;
  std::map<std::string, std::string> env_;
};

TEST_F(Credentials, EnvironmentComesFirst) {
  env_["AWS_ACCESS_KEY_ID"] = "AKENV";
  env_["AWS_SECRET_ACCESS_KEY"] = "secret-env";
  env_["AWS_SESSION_TOKEN"] = "token-env";
  WriteProfiles("[default]\naws_access_key_id = AKFILE\naws_secret_access_key = s\n", "");
  auto credentials = ResolveCredentials(Options());
  ASSERT_TRUE(credentials.ok()) << credentials.error().message;
  EXPECT_EQ(credentials->access_key_id, "AKENV");
  EXPECT_EQ(credentials->secret_access_key, "secret-env");
  EXPECT_EQ(credentials->session_token, "token-env");
  EXPECT_EQ(credentials->source, "environment");
}

TEST_F(Credentials, HalfAnEnvironmentPairIsAnError) {
  env_["AWS_ACCESS_KEY_ID"] = "AKENV";
  auto credentials = ResolveCredentials(Options());
  EXPECT_EQ(credentials.code(), ErrorCode::kInvalidArgument);
  EXPECT_THAT(credentials.error().message, HasSubstr("AWS_SECRET_ACCESS_KEY"));
}

TEST_F(Credentials, ExplicitProfileSkipsTheEnvironment) {
  env_["AWS_ACCESS_KEY_ID"] = "AKENV";
  env_["AWS_SECRET_ACCESS_KEY"] = "secret-env";
  WriteProfiles("[work]\naws_access_key_id = AKWORK\naws_secret_access_key = s-work\n", "");
  auto credentials = ResolveCredentials(Options("work"));
  ASSERT_TRUE(credentials.ok()) << credentials.error().message;
  EXPECT_EQ(credentials->access_key_id, "AKWORK");
  EXPECT_EQ(credentials->source, "shared-credentials-file");
}

TEST_F(Credentials, DefaultAndNamedProfilesFromTheCredentialsFile) {
  WriteProfiles(
      "# comment\n"
      "[default]\r\n"
      "aws_access_key_id=AKDEF\r\n"
      "aws_secret_access_key = s-def\r\n"
      "\n"
      "[ci]\n"
      "  AWS_ACCESS_KEY_ID = AKCI\n"
      "aws_secret_access_key: s-ci\n"
      "aws_session_token = tok\n",
      "");
  auto plain = ResolveCredentials(Options());
  ASSERT_TRUE(plain.ok()) << plain.error().message;
  EXPECT_EQ(plain->access_key_id, "AKDEF");
  EXPECT_EQ(plain->secret_access_key, "s-def");
  env_["AWS_PROFILE"] = "ci";
  auto ci = ResolveCredentials(Options());
  ASSERT_TRUE(ci.ok()) << ci.error().message;
  EXPECT_EQ(ci->access_key_id, "AKCI");
  EXPECT_EQ(ci->secret_access_key, "s-ci");
  EXPECT_EQ(ci->session_token, "tok");
}

TEST_F(Credentials, ConfigFileProfilesAndSettings) {
  const std::string config_path = tmp_.Sub("elsewhere/config");
  testing::WriteFile(config_path,
                     "[default]\nregion = eu-west-1\n"
                     "[profile minio]\n"
                     "region = us-west-2\n"
                     "endpoint_url = http://127.0.0.1:9000\n"
                     "aws_access_key_id = AKCFG\n"
                     "aws_secret_access_key = s-cfg\n"
                     "s3 =\n"
                     "  addressing_style = path\n"
                     "[minio]\naws_access_key_id = NOT-A-PROFILE-IN-CONFIG\n");
  env_["AWS_CONFIG_FILE"] = config_path;
  auto credentials = ResolveCredentials(Options("minio"));
  ASSERT_TRUE(credentials.ok()) << credentials.error().message;
  EXPECT_EQ(credentials->access_key_id, "AKCFG");
  EXPECT_EQ(credentials->source, "config-file");

  auto settings = ResolveSettings(Options("minio"));
  ASSERT_TRUE(settings.ok()) << settings.error().message;
  EXPECT_EQ(settings->profile, "minio");
  EXPECT_EQ(settings->region, "us-west-2");
  EXPECT_EQ(settings->endpoint_url, "http://127.0.0.1:9000");

  auto defaults = ResolveSettings(Options());
  ASSERT_TRUE(defaults.ok());
  EXPECT_EQ(defaults->region, "eu-west-1");
  EXPECT_EQ(defaults->endpoint_url, "");

  env_["AWS_DEFAULT_REGION"] = "ap-south-1";
  EXPECT_EQ(ResolveSettings(Options("minio"))->region, "ap-south-1");
  env_["AWS_REGION"] = "ca-central-1";
  EXPECT_EQ(ResolveSettings(Options("minio"))->region, "ca-central-1");
  env_["AWS_ENDPOINT_URL"] = "http://generic";
  EXPECT_EQ(ResolveSettings(Options("minio"))->endpoint_url, "http://generic");
  env_["AWS_ENDPOINT_URL_S3"] = "http://s3-only";
  EXPECT_EQ(ResolveSettings(Options("minio"))->endpoint_url, "http://s3-only");
}

TEST_F(Credentials, MissingNamedProfileIsNotFound) {
  WriteProfiles("[default]\naws_access_key_id = A\naws_secret_access_key = B\n", "");
  auto credentials = ResolveCredentials(Options("nope"));
  ASSERT_EQ(credentials.code(), ErrorCode::kNotFound);
  EXPECT_THAT(credentials.error().message, HasSubstr("AWS profile 'nope' not found"));
  EXPECT_EQ(ResolveSettings(Options("nope")).code(), ErrorCode::kNotFound);
}

TEST_F(Credentials, NothingAnywhereSaysHowToConfigure) {
  auto credentials = ResolveCredentials(Options());
  ASSERT_EQ(credentials.code(), ErrorCode::kFailedPrecondition);
  EXPECT_THAT(credentials.error().message, HasSubstr("--no-sign-request"));
}

TEST_F(Credentials, NoSignRequestIsAnonymous) {
  env_["AWS_ACCESS_KEY_ID"] = "AKENV";
  env_["AWS_SECRET_ACCESS_KEY"] = "secret-env";
  CredentialOptions options = Options();
  options.no_sign_request = true;
  auto credentials = ResolveCredentials(options);
  ASSERT_TRUE(credentials.ok());
  EXPECT_EQ(credentials->access_key_id, "");
  EXPECT_EQ(credentials->source, "no-sign-request");
}

TEST_F(Credentials, AssumeRoleProfilesAreUnsupported) {
  WriteProfiles("", "[profile r]\nrole_arn = arn:aws:iam::1:role/x\nsource_profile = default\n");
  EXPECT_EQ(ResolveCredentials(Options("r")).code(), ErrorCode::kUnsupported);
}

TEST_F(Credentials, MalformedFilesAreCorruptedWithTheLine) {
  WriteProfiles("[default]\naws_access_key_id = A\nthis line is junk\n", "");
  auto credentials = ResolveCredentials(Options());
  ASSERT_EQ(credentials.code(), ErrorCode::kCorrupted);
  EXPECT_THAT(credentials.error().message, HasSubstr("credentials:3: "));
}

std::string WriteScript(const testing::TempDir& tmp, const std::string& name,
                        const std::string& body) {
  const std::string path = tmp.Sub(name);
  testing::WriteFile(path, "#!/bin/sh\n" + body);
  chmod(path.c_str(), 0755);
  return path;
}

TEST_F(Credentials, CredentialProcessRunsWithoutAShell) {
  const std::string script = WriteScript(
      tmp_, "creds dir/get-creds.sh",
      "test \"$1\" = 'an arg' || exit 3\n"
      "echo '{\"Version\": 1, \"AccessKeyId\": \"AKPROC\", \"SecretAccessKey\": \"s-proc\",'\n"
      "echo ' \"SessionToken\": \"tok-proc\", \"Expiration\": \"2030-01-02T03:04:05Z\"}'\n");
  WriteProfiles("", "[profile proc]\ncredential_process = \"" + script + "\" 'an arg'\n");
  auto credentials = ResolveCredentials(Options("proc"));
  ASSERT_TRUE(credentials.ok()) << credentials.error().message;
  EXPECT_EQ(credentials->access_key_id, "AKPROC");
  EXPECT_EQ(credentials->secret_access_key, "s-proc");
  EXPECT_EQ(credentials->session_token, "tok-proc");
  EXPECT_EQ(credentials->source, "credential_process");
  ASSERT_TRUE(credentials->expiration.has_value());
  EXPECT_EQ(*credentials->expiration, std::chrono::system_clock::from_time_t(1893553445));
}

TEST_F(Credentials, CredentialProcessFailuresAreReported) {
  const std::string failing = WriteScript(tmp_, "fail.sh", "echo oops >&2\nexit 7\n");
  const std::string garbage = WriteScript(tmp_, "garbage.sh", "echo '{\"Version\": 2}'\n");
  WriteProfiles("", "[profile fail]\ncredential_process = " + failing +
                        "\n[profile garbage]\ncredential_process = " + garbage +
                        "\n[profile missing]\ncredential_process = " + tmp_.Sub("no-such-program") +
                        "\n");
  auto failed = ResolveCredentials(Options("fail"));
  EXPECT_EQ(failed.code(), ErrorCode::kPermissionDenied);
  EXPECT_THAT(failed.error().message, HasSubstr("exited with status 7"));
  auto bad = ResolveCredentials(Options("garbage"));
  EXPECT_EQ(bad.code(), ErrorCode::kCorrupted);
  EXPECT_THAT(bad.error().message, HasSubstr("Version"));
  EXPECT_FALSE(ResolveCredentials(Options("missing")).ok());
}

Reply Json(std::string body) { return Reply{200, std::move(body), {}, Reply::Kind::kNormal}; }

TEST_F(Credentials, ContainerEndpointWithTokenFile) {
  ScriptedServer server(
      {Json(R"({"AccessKeyId":"AKCONT","SecretAccessKey":"s-cont","Token":"tok-cont",)"
            R"("Expiration":"2030-01-02T03:04:05Z","RoleArn":"arn:x"})")});
  env_["AWS_CONTAINER_CREDENTIALS_FULL_URI"] = server.endpoint() + "/v2/credentials/abc";
  testing::WriteFile(tmp_.Sub("token"), "secret-token\n");
  env_["AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE"] = tmp_.Sub("token");
  env_["AWS_CONTAINER_AUTHORIZATION_TOKEN"] = "ignored-when-a-file-is-set";
  auto credentials = ResolveCredentials(Options());
  ASSERT_TRUE(credentials.ok()) << credentials.error().message;
  EXPECT_EQ(credentials->access_key_id, "AKCONT");
  EXPECT_EQ(credentials->session_token, "tok-cont");
  EXPECT_EQ(credentials->source, "container");
  ASSERT_EQ(server.seen().size(), 1u);
  EXPECT_EQ(server.seen()[0].method, "GET");
  EXPECT_EQ(server.seen()[0].target, "/v2/credentials/abc");
  EXPECT_EQ(server.seen()[0].Header("authorization"), "secret-token");
}

TEST_F(Credentials, ContainerEndpointErrors) {
  ScriptedServer server({Reply{403, "no", {}, Reply::Kind::kNormal}, Json("{not json")});
  env_["AWS_CONTAINER_CREDENTIALS_FULL_URI"] = server.endpoint() + "/creds";
  env_["AWS_CONTAINER_AUTHORIZATION_TOKEN"] = "t";
  EXPECT_EQ(ResolveCredentials(Options()).code(), ErrorCode::kPermissionDenied);
  EXPECT_EQ(ResolveCredentials(Options()).code(), ErrorCode::kCorrupted);
  EXPECT_EQ(server.seen()[0].Header("authorization"), "t");

  env_["AWS_CONTAINER_CREDENTIALS_FULL_URI"] = "http://example.com/creds";
  EXPECT_EQ(ResolveCredentials(Options()).code(), ErrorCode::kInvalidArgument);
}

TEST_F(Credentials, InstanceMetadataV2) {
  ScriptedServer server(
      {Json("imds-token"), Json("my-role\n"),
       Json(R"({"Code":"Success","AccessKeyId":"AKIMDS","SecretAccessKey":"s-imds",)"
            R"("Token":"tok-imds","Expiration":"2030-01-02T03:04:05Z"})")});
  env_.erase("AWS_EC2_METADATA_DISABLED");
  env_["AWS_EC2_METADATA_SERVICE_ENDPOINT"] = server.endpoint() + "/";
  auto credentials = ResolveCredentials(Options());
  ASSERT_TRUE(credentials.ok()) << credentials.error().message;
  EXPECT_EQ(credentials->access_key_id, "AKIMDS");
  EXPECT_EQ(credentials->session_token, "tok-imds");
  EXPECT_EQ(credentials->source, "imds");
  const auto seen = server.seen();
  ASSERT_EQ(seen.size(), 3u);
  EXPECT_EQ(seen[0].method, "PUT");
  EXPECT_EQ(seen[0].target, "/latest/api/token");
  EXPECT_EQ(seen[0].Header("x-aws-ec2-metadata-token-ttl-seconds"), "21600");
  EXPECT_EQ(seen[1].target, "/latest/meta-data/iam/security-credentials/");
  EXPECT_EQ(seen[1].Header("x-aws-ec2-metadata-token"), "imds-token");
  EXPECT_EQ(seen[2].target, "/latest/meta-data/iam/security-credentials/my-role");
  EXPECT_EQ(seen[2].Header("x-aws-ec2-metadata-token"), "imds-token");
}

TEST_F(Credentials, InstanceMetadataUnreachableOrDisabledMeansNone) {
  env_.erase("AWS_EC2_METADATA_DISABLED");
  env_["AWS_EC2_METADATA_SERVICE_ENDPOINT"] =
      "http://127.0.0.1:" + std::to_string(testing::FreeLocalPort());
  const auto start = std::chrono::steady_clock::now();
  EXPECT_EQ(ResolveCredentials(Options()).code(), ErrorCode::kFailedPrecondition);
  EXPECT_LT(std::chrono::steady_clock::now() - start, std::chrono::seconds(3));

  ScriptedServer server({Json("token")});
  env_["AWS_EC2_METADATA_SERVICE_ENDPOINT"] = server.endpoint();
  env_["AWS_EC2_METADATA_DISABLED"] = "TRUE";
  EXPECT_EQ(ResolveCredentials(Options()).code(), ErrorCode::kFailedPrecondition);
  EXPECT_TRUE(server.seen().empty());
}

// ---- CredentialProvider: refresh before expiry (clock injected) ----

// 2030-01-02T03:00:00Z
const std::chrono::system_clock::time_point kExpiry =
    std::chrono::system_clock::from_time_t(1893553200);

class RefreshingCredentials : public Credentials {
 protected:
  // A credential_process that counts its runs in `count`, answers "AK<n>" with the
  // Expiration in `exp`, and fails while `fail` exists.
  RefreshingCredentials() {
    testing::WriteFile(tmp_.Sub("exp"), "2030-01-02T03:00:00Z\n");
    const std::string script = WriteScript(
        tmp_, "counting.sh",
        "d='" + tmp_.path() + "'\n"
        "n=$(cat \"$d/count\" 2>/dev/null || echo 0); n=$((n+1)); echo $n > \"$d/count\"\n"
        "test -e \"$d/fail\" && { echo refused >&2; exit 5; }\n"
        "e=$(cat \"$d/exp\")\n"
        "echo \"{\\\"Version\\\": 1, \\\"AccessKeyId\\\": \\\"AK$n\\\", \\\"SecretAccessKey\\\": "
        "\\\"s$n\\\", \\\"SessionToken\\\": \\\"t$n\\\", \\\"Expiration\\\": \\\"$e\\\"}\"\n");
    WriteProfiles("", "[profile proc]\ncredential_process = " + script + "\n");
  }

  std::shared_ptr<CredentialProvider> Provider() {
    auto initial = ResolveCredentials(Options("proc"));
    EXPECT_TRUE(initial.ok()) << initial.error().message;
    return std::make_shared<CredentialProvider>(
        *initial, [options = Options("proc")] { return ResolveCredentials(options); },
        [this] { return now_; });
  }

  int Count() { return std::stoi(testing::ReadFile(tmp_.Sub("count"))); }

  std::chrono::system_clock::time_point now_ = kExpiry - std::chrono::hours(1);
};

TEST_F(RefreshingCredentials, FarFromExpiryNothingIsRefreshed) {
  auto provider = Provider();
  for (int i = 0; i < 3; ++i) {
    auto current = provider->Current();
    ASSERT_TRUE(current.ok()) << current.error().message;
    EXPECT_EQ(current->access_key_id, "AK1");
  }
  now_ = kExpiry - std::chrono::minutes(6);
  EXPECT_EQ(provider->Current()->access_key_id, "AK1");
  EXPECT_EQ(Count(), 1);
}

TEST_F(RefreshingCredentials, RefreshesWhenLessThanFiveMinutesRemain) {
  auto provider = Provider();
  EXPECT_EQ(Count(), 1);
  testing::WriteFile(tmp_.Sub("exp"), "2030-01-02T04:00:00Z\n");
  now_ = kExpiry - std::chrono::minutes(2);
  auto current = provider->Current();
  ASSERT_TRUE(current.ok()) << current.error().message;
  EXPECT_EQ(current->access_key_id, "AK2");
  EXPECT_EQ(current->secret_access_key, "s2");
  EXPECT_EQ(current->session_token, "t2");
  EXPECT_EQ(Count(), 2);
  // The new ones expire an hour later: no further refresh.
  EXPECT_EQ(provider->Current()->access_key_id, "AK2");
  EXPECT_EQ(Count(), 2);
  // Already expired counts as due too.
  now_ = kExpiry + std::chrono::hours(2);
  EXPECT_EQ(provider->Current()->access_key_id, "AK3");
  EXPECT_EQ(Count(), 3);
}

TEST_F(RefreshingCredentials, FailedRefreshKeepsTheOldOnesUntilTheyExpire) {
  auto provider = Provider();
  testing::WriteFile(tmp_.Sub("fail"), "");
  now_ = kExpiry - std::chrono::minutes(2);
  auto current = provider->Current();
  ASSERT_TRUE(current.ok()) << current.error().message;
  EXPECT_EQ(current->access_key_id, "AK1");
  EXPECT_EQ(Count(), 2);  // it did try
  now_ = kExpiry + std::chrono::seconds(1);
  current = provider->Current();
  ASSERT_FALSE(current.ok());
  EXPECT_THAT(current.error().message, HasSubstr("refreshing expired AWS credentials"));
  EXPECT_EQ(Count(), 3);
}

TEST_F(Credentials, StaticCredentialsNeverRefresh) {
  env_["AWS_ACCESS_KEY_ID"] = "AKENV";
  env_["AWS_SECRET_ACCESS_KEY"] = "s-env";
  auto initial = ResolveCredentials(Options());
  ASSERT_TRUE(initial.ok()) << initial.error().message;
  EXPECT_FALSE(initial->expiration.has_value());
  int resolved = 0;
  CredentialProvider provider(
      *initial,
      [&resolved]() -> Result<AwsCredentials> {
        ++resolved;
        return AwsCredentials{};
      },
      [] { return kExpiry + std::chrono::hours(24 * 365 * 100); });
  EXPECT_EQ(provider.Current()->access_key_id, "AKENV");
  EXPECT_EQ(resolved, 0);
}

TEST(CredentialProviderS3, SignedRequestsToMotoUseRefreshedCredentials) {
  auto moto = testing::SharedMotoServer();
  ASSERT_TRUE(moto.ok()) << moto.error().message;
  AwsCredentials stale{.access_key_id = "AKSTALE",
                       .secret_access_key = "stale",
                       .session_token = "",
                       .expiration = std::chrono::system_clock::now() + std::chrono::minutes(2),
                       .source = "test"};
  std::atomic<int> resolved = 0;
  auto provider = std::make_shared<CredentialProvider>(
      stale, [&]() -> Result<AwsCredentials> {
        ++resolved;
        return AwsCredentials{
            .access_key_id = (*moto)->access_key_id(),
            .secret_access_key = (*moto)->secret_access_key(),
            .session_token = "",
            .expiration = std::chrono::system_clock::now() + std::chrono::hours(1),
            .source = "test"};
      });
  S3Config config;
  config.endpoint_url = (*moto)->endpoint();
  config.region = (*moto)->region();
  config.credentials = provider;
  config.connect_timeout = std::chrono::seconds(2);
  auto storage = NewS3Storage(config);
  ASSERT_TRUE(storage.ok()) << storage.error().message;
  const std::string bucket = "dg-cred-refresh-" + std::to_string(std::random_device{}() % 100000);
  ASSERT_TRUE((*storage)->CreateBucket(bucket).ok());
  auto buckets = (*storage)->ListBuckets();
  ASSERT_TRUE(buckets.ok()) << buckets.error().message;
  EXPECT_TRUE((*storage)->DeleteBucket(bucket).ok());
  EXPECT_EQ(resolved.load(), 1);
  EXPECT_EQ(provider->Current()->access_key_id, (*moto)->access_key_id());

  // Expired and not renewable: the request fails before it is sent.
  auto dead = std::make_shared<CredentialProvider>(
      AwsCredentials{.access_key_id = "AKDEAD",
                     .secret_access_key = "dead",
                     .session_token = "",
                     .expiration = std::chrono::system_clock::now() - std::chrono::minutes(1),
                     .source = "test"},
      []() -> Result<AwsCredentials> {
        return MakeError(ErrorCode::kUnavailable, "no credential source");
      });
  config.credentials = dead;
  auto dead_storage = NewS3Storage(config);
  ASSERT_TRUE(dead_storage.ok());
  auto listed = (*dead_storage)->ListBuckets();
  ASSERT_FALSE(listed.ok());
  EXPECT_THAT(listed.error().message, HasSubstr("no credential source"));
}

TEST(CredentialsContainer, UrlRules) {
  EXPECT_EQ(*s3::ContainerCredentialsUrl("/v2/credentials/x", "http://ignored"),
            "http://169.254.170.2/v2/credentials/x");
  EXPECT_EQ(*s3::ContainerCredentialsUrl("v2/x", ""), "http://169.254.170.2/v2/x");
  for (const char* ok : {"http://127.0.0.1:80/c", "http://localhost/c", "http://[::1]:9/c",
                         "http://169.254.170.23/v1/credentials", "https://creds.example.com/c"}) {
    EXPECT_TRUE(s3::ContainerCredentialsUrl("", ok).ok()) << ok;
  }
  for (const char* bad : {"", "http://example.com/c", "http://user@127.0.0.1/c", "ftp://127.0.0.1/",
                          "http://10.0.0.1/c", "https://"}) {
    EXPECT_EQ(s3::ContainerCredentialsUrl("", bad).code(), ErrorCode::kInvalidArgument) << bad;
  }
  EXPECT_EQ(s3::ContainerCredentialsUrl("@evil.com/x", "").code(), ErrorCode::kInvalidArgument);
}

TEST(CredentialsIni, ParsesTheAwsDialect) {
  auto ini = s3::ParseIni(
      "; comment\n[a]\nk = v = w\nEmpty =\n  nested = 1\n  other: 2\nafter = x\n"
      "[ b ]\nk=\n",
      "f");
  ASSERT_TRUE(ini.ok()) << ini.error().message;
  EXPECT_EQ((*ini)["a"]["k"], "v = w");
  EXPECT_EQ((*ini)["a"]["empty"], "");
  EXPECT_EQ((*ini)["a"]["empty.nested"], "1");
  EXPECT_EQ((*ini)["a"]["empty.other"], "2");
  EXPECT_EQ((*ini)["a"]["after"], "x");
  EXPECT_EQ((*ini)["b"]["k"], "");
  for (const char* bad : {"k = v\n", "[a\n", "[]\n", "[a]\njunk\n", "[a]\n= v\n"}) {
    EXPECT_EQ(s3::ParseIni(bad, "f").code(), ErrorCode::kCorrupted) << bad;
  }
}

TEST(CredentialsIni, SurvivesRandomInput) {
  std::mt19937 rng(4);
  const std::string alphabet = "[]=:;# \t\r\nab\x01\xff";
  for (int i = 0; i < 2000; ++i) {
    std::string text(rng() % 200, ' ');
    for (char& c : text) c = alphabet[rng() % alphabet.size()];
    (void)s3::ParseIni(text, "fuzz");
    (void)s3::ParseCredentialJson(text, "fuzz", true);
    (void)s3::SplitCommand(text);
  }
}

TEST(CredentialsCommand, SplitsLikeAShell) {
  EXPECT_THAT(*s3::SplitCommand("  a  'b c' \"d \\\" e\" f\\ g h''"),
              ElementsAre("a", "b c", "d \" e", "f g", "h"));
  EXPECT_EQ(s3::SplitCommand("a 'b").code(), ErrorCode::kInvalidArgument);
  EXPECT_EQ(s3::SplitCommand("a \"b").code(), ErrorCode::kInvalidArgument);
  EXPECT_EQ(s3::SplitCommand("   ").code(), ErrorCode::kInvalidArgument);
}

TEST(CredentialsJson, ValidatesAnswers) {
  EXPECT_TRUE(
      s3::ParseCredentialJson(R"({"Version":1,"AccessKeyId":"A","SecretAccessKey":"S"})", "p", true)
          .ok());
  for (const char* bad :
       {R"({"AccessKeyId":"A","SecretAccessKey":"S"})",
        R"({"Version":"1","AccessKeyId":"A","SecretAccessKey":"S"})",
        R"({"Version":1,"AccessKeyId":"A"})",
        R"({"Version":1,"AccessKeyId":"A","SecretAccessKey":"S","Expiration":"x"})",
        R"({"Version":1,"AccessKeyId":"A\nB","SecretAccessKey":"S"})", "[]", ""}) {
    EXPECT_EQ(s3::ParseCredentialJson(bad, "p", true).code(), ErrorCode::kCorrupted) << bad;
  }
  EXPECT_EQ(s3::ParseCredentialJson(R"({"Code":"Expired","AccessKeyId":"A","SecretAccessKey":"S"})",
                                    "imds", false)
                .code(),
            ErrorCode::kUnavailable);
}

}  // namespace
}  // namespace deltaglider
