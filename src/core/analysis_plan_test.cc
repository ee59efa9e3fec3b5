#include "core/analysis_plan.h"

#include <gtest/gtest.h>

namespace deltaglider {
namespace {

AnalysisPlan PlanOf(const std::vector<std::pair<std::string, uint64_t>>& objects) {
  AnalysisPlanner planner(GroupingOptions{});
  for (const auto& [key, size] : objects) {
    ListEntry entry;
    entry.key = key;
    entry.size = size;
    planner.Add(entry);
  }
  return planner.Finish();
}

TEST(AnalysisPlan, GroupsAsTheWritePathAndCountsTheRestApart) {
  const AnalysisPlan plan = PlanOf({{"app/app-1.zip", 10},
                                    {"app/app-2.zip", 20},
                                    {"app/notes.txt", 3},
                                    {"done/x.zip.delta", 4},
                                    {"done/reference.bin", 5},
                                    {"releases/.dg-family/a.zip/1/reference.bin", 6},
                                    {"releases/v1/a-1.zip", 100},
                                    {"releases/v2/a-2.zip", 200}});
  ASSERT_EQ(plan.groups.size(), 2u);
  EXPECT_EQ(plan.groups[0].name.Label(), "app/{app.zip}");
  EXPECT_EQ(plan.groups[0].files.size(), 2u);
  EXPECT_EQ(plan.groups[0].files[0].key, "app/app-1.zip");
  EXPECT_EQ(plan.groups[1].name.Label(), "releases/*/{a.zip}");
  EXPECT_EQ(plan.groups[1].bytes(), 300u);
  EXPECT_EQ(plan.ineligible.files, 1u);
  EXPECT_EQ(plan.already_stored.files, 3u);
  EXPECT_EQ(plan.already_stored.bytes, 15u);
}

TEST(AnalysisPlan, ExtensionsAreLowerCaseAndKeepTarCompounds) {
  EXPECT_EQ(ArchiveExtension("a/B-1.ZIP"), ".zip");
  EXPECT_EQ(ArchiveExtension("a/b-1.tar.gz"), ".tar.gz");
  EXPECT_EQ(ArchiveExtension("b.tgz"), ".tgz");
}

TEST(ChooseSamples, LargestGroupsFirstSpreadMembersWithinTheBudget) {
  AnalysisPlan plan = PlanOf({{"big/b-1.zip", 100},
                              {"big/b-2.zip", 100},
                              {"big/b-3.zip", 100},
                              {"big/b-4.zip", 100},
                              {"big/b-5.zip", 100},
                              {"small/s-1.zip", 10},
                              {"small/s-2.zip", 10},
                              {"tiny/t-1.zip", 600}});
  // tiny (600, one file) first, then big as far as the budget goes; small no more.
  const uint64_t planned = ChooseSamples(plan, SampleLimits{810, 1000, 3});
  const PlannedGroup& big = plan.groups[0];
  const PlannedGroup& small = plan.groups[1];
  const PlannedGroup& tiny = plan.groups[2];
  EXPECT_TRUE(tiny.sampled);
  EXPECT_TRUE(big.sampled);
  EXPECT_EQ(big.sampled_members, (std::vector<size_t>{1}));  // the budget ends after one
  EXPECT_FALSE(small.sampled);
  EXPECT_EQ(planned, 800u);

  AnalysisPlan capped = PlanOf({{"big/b-1.zip", 100},
                                {"big/b-2.zip", 100},
                                {"big/b-3.zip", 100},
                                {"big/b-4.zip", 100},
                                {"big/b-5.zip", 100}});
  EXPECT_EQ(ChooseSamples(capped, SampleLimits{1000, 10, 3}), 40u);
  EXPECT_EQ(capped.groups[0].sampled_members, (std::vector<size_t>{1, 2, 4}));
}

}  // namespace
}  // namespace deltaglider
