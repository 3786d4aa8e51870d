#include <sys/stat.h>

#include <gtest/gtest.h>

#include <fstream>

#include "normwatch/publish/curve_keys.hpp"
#include "normwatch/publish/file_digest.hpp"
#include "publish_test_helpers.hpp"

namespace normwatch::publish {
namespace {

using test::TempDir;

TEST(CurveKeys, WritesAPairWithAPrivateSecretAndReadsItBack) {
  TempDir dir;
  const auto pair = generate_key_pair().value();
  EXPECT_TRUE(valid_z85_key(pair.public_z85));
  EXPECT_TRUE(valid_z85_key(pair.secret_z85));
  ASSERT_TRUE(write_key_pair(dir / "sensor", pair));
  struct stat st {};
  ASSERT_EQ(::stat((dir / "sensor.key").c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0777, 0600u);
  EXPECT_EQ(read_public_key(dir / "sensor.pub").value(), pair.public_z85);
  std::string warning;
  const auto secret = read_secret_key(dir / "sensor.key", &warning).value();
  EXPECT_EQ(secret.secret_z85, pair.secret_z85);
  EXPECT_EQ(secret.public_z85, pair.public_z85);  // derived
  EXPECT_TRUE(warning.empty());
}

TEST(CurveKeys, NeverOverwritesAKey) {
  TempDir dir;
  ASSERT_TRUE(write_key_pair(dir / "a", generate_key_pair().value()));
  const auto again = write_key_pair(dir / "a", generate_key_pair().value());
  ASSERT_FALSE(again);
  EXPECT_NE(again.error().find("exists"), std::string::npos);
}

TEST(CurveKeys, WarnsAboutAReadableSecretAndRejectsGarbage) {
  TempDir dir;
  const auto pair = generate_key_pair().value();
  std::ofstream(dir / "open.key") << "# comment\n  " << pair.secret_z85 << "  \n";
  ::chmod((dir / "open.key").c_str(), 0644);
  std::string warning;
  ASSERT_TRUE(read_secret_key(dir / "open.key", &warning));
  EXPECT_NE(warning.find("readable"), std::string::npos);
  std::ofstream(dir / "bad.pub") << "not a key\n";
  EXPECT_FALSE(read_public_key(dir / "bad.pub"));
  std::ofstream(dir / "empty.pub") << "# nothing\n";
  EXPECT_FALSE(read_public_key(dir / "empty.pub"));
  EXPECT_FALSE(read_public_key(dir / "missing.pub"));
}

TEST(FileDigest, HashesFilesAndDirectoryTrees) {
  TempDir dir;
  EXPECT_EQ(sha256_hex("abc"), "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
  std::ofstream(dir / "file") << "abc";
  EXPECT_EQ(sha256_of_path(dir / "file"), sha256_hex("abc"));
  EXPECT_FALSE(sha256_of_path(dir / "missing"));
  std::filesystem::create_directories(dir / "rules/sub");
  std::ofstream(dir / "rules/a.yaml") << "a: 1\n";
  std::ofstream(dir / "rules/sub/b.yaml") << "b: 2\n";
  const auto first = sha256_of_path(dir / "rules");
  ASSERT_TRUE(first);
  EXPECT_EQ(sha256_of_path(dir / "rules"), first);  // stable
  std::filesystem::rename(dir / "rules/sub/b.yaml", dir / "rules/sub/c.yaml");
  const auto renamed = sha256_of_path(dir / "rules");
  EXPECT_NE(renamed, first);
  std::ofstream(dir / "rules/a.yaml", std::ios::app) << "# edit\n";
  EXPECT_NE(sha256_of_path(dir / "rules"), renamed);
}

}  // namespace
}  // namespace normwatch::publish
