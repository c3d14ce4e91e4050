// KeyedRandom and KeyedDraws: a draw is a pure function of (seed, family, subject,
// occurrence), different keys give independent numbers, and the numbers are uniform.
// Statistical tests use fixed keys, so they are deterministic; their thresholds come
// from the sampling distribution of the statistic, not from tuning.
#include "core/keyed_random.hpp"

#include <gtest/gtest.h>

#include <boost/math/distributions/chi_squared.hpp>
#include <algorithm>
#include <cmath>
#include <concepts>
#include <cstdint>
#include <vector>

#include "core/distribution.hpp"

namespace payquake::core {
namespace {

// Keys per statistical test: enough for tight bounds, small enough for milliseconds.
constexpr int kKeys = 200'000;
// A correct generator fails a chi-square test with probability 1e-6.
constexpr double kChiSquareQuantile = 1.0 - 1e-6;
// Kolmogorov's limiting distribution: P(sqrt(n) D_n > 1.949) = 0.001.
constexpr double kKolmogorov999 = 1.949;
// Correlations are bounded by this many standard errors (1/sqrt(n) under independence):
// a false alarm has probability below 1e-6.
constexpr double kSigmas = 5.0;

static_assert(std::uniform_random_bit_generator<KeyedDraws>,
              "Boost.Random distributions (and core::sample) must accept keyed draws");

double chi_square_threshold(std::size_t bins) {
  return boost::math::quantile(boost::math::chi_squared(static_cast<double>(bins - 1)),
                               kChiSquareQuantile);
}

double correlation(const std::vector<double>& x, const std::vector<double>& y) {
  const auto n = static_cast<double>(x.size());
  double mx = 0, my = 0;
  for (std::size_t i = 0; i < x.size(); ++i) mx += x[i] / n, my += y[i] / n;
  double sxy = 0, sxx = 0, syy = 0;
  for (std::size_t i = 0; i < x.size(); ++i) {
    sxy += (x[i] - mx) * (y[i] - my);
    sxx += (x[i] - mx) * (x[i] - mx);
    syy += (y[i] - my) * (y[i] - my);
  }
  return sxy / std::sqrt(sxx * syy);
}

TEST(KeyedDraws, IsRandom123Philox2x64WithSevenRounds) {
  // Random123's published known-answer vector for philox2x64-10 at counter 0, key 0 is
  // (ca00a0459843d731, 66c24222c9a845b5); the Python transcription that reproduces it
  // gives these for 7 rounds (kPhiloxRounds). First: Random123 itself agrees with the
  // published vector, so the transcription and the library are the same function.
  const auto ten = r123::Philox2x64()({{0, 0}}, {{0}});
  EXPECT_EQ(ten[0], 0xca00a0459843d731ULL);
  EXPECT_EQ(ten[1], 0x66c24222c9a845b5ULL);
  static_assert(KeyedDraws::kPhiloxRounds == 7, "the vector below is for 7 rounds");
  KeyedDraws d(0, 0, 0);
  EXPECT_EQ(d(), 0xb41da69fbfefc666ULL);
  EXPECT_EQ(d(), 0x511e9ce1a5534056ULL);
}

TEST(KeyedRandom, OutputIsPinnedAcrossVersionsAndPlatforms) {
  // Computed by an independent transcription (Python) of FNV-1a, the splitmix64 finaliser
  // and Philox2x64-7: key = mix(mix(seed) ^ fnv1a(name)), counter = (subject,
  // occurrence | block << 48). If this fails, "same seed, same bytes" is broken.
  const KeyedRandom family(42, "nodes/iss/service");
  EXPECT_EQ(family.key(), 0x20131ae0ad285810ULL);
  KeyedDraws d = family.at(7, 3);
  EXPECT_EQ(d(), 0xac0cfc16d5755437ULL);
  EXPECT_EQ(d(), 0x818ac35cc4c37959ULL);
  EXPECT_EQ(d(), 0x50c9763e58e20195ULL);  // the second block
  EXPECT_EQ(d(), 0xf958203d985aaf72ULL);
}

TEST(KeyedRandom, SameKeyGivesTheSameDrawsWhateverWasDrawnBefore) {
  const KeyedRandom family(7, "payers/p/amount");
  std::vector<std::uint64_t> first;
  KeyedDraws a = family.at(12, 0);
  for (int i = 0; i < 9; ++i) first.push_back(a());  // crosses block boundaries
  // Other subjects drawn in between change nothing: there is no shared sequence.
  for (std::uint64_t s = 0; s < 1000; ++s) family.at(s, 5)();
  KeyedDraws b = family.at(12, 0);
  for (int i = 0; i < 9; ++i) EXPECT_EQ(b(), first[static_cast<std::size_t>(i)]) << i;
  // Every value of the sequence is new (no block repeated).
  std::sort(first.begin(), first.end());
  EXPECT_EQ(std::unique(first.begin(), first.end()), first.end());
}

TEST(KeyedRandom, EveryPartOfTheKeyChangesTheDraw) {
  const std::uint64_t base = KeyedRandom(1, "f").at(2, 3)();
  EXPECT_NE(KeyedRandom(9, "f").at(2, 3)(), base);  // seed
  EXPECT_NE(KeyedRandom(1, "g").at(2, 3)(), base);  // what is drawn
  EXPECT_NE(KeyedRandom(1, "f").at(4, 3)(), base);  // subject
  EXPECT_NE(KeyedRandom(1, "f").at(2, 5)(), base);  // occurrence
  // Subject and occurrence are not interchangeable.
  EXPECT_NE(KeyedRandom(1, "f").at(3, 2)(), base);
}

TEST(KeyedRandom, OccurrenceKeepsItsDocumentedBitsOnly) {
  const KeyedRandom f(1, "f");
  const std::uint64_t high = std::uint64_t{1} << KeyedDraws::kOccurrenceBits;
  EXPECT_EQ(f.at(2, 5)(), f.at(2, 5 | high)());
  // ... and those bits do not alias the block counter: block 1 of occurrence 5 is not
  // block 0 of any occurrence near it.
  KeyedDraws d = f.at(2, 5);
  d(), d();
  const std::uint64_t block1 = d();
  for (std::uint64_t o = 0; o < 64; ++o) EXPECT_NE(f.at(2, o)(), block1) << o;
}

TEST(KeyedRandom, FirstIsTheFirstValueOfTheKeysDraws) {
  // The shortcut the hot path takes (one value per key, no KeyedDraws) must be the same
  // number, bit for bit, as the general path, or "same seed, same bytes" breaks.
  const KeyedRandom f(42, "nodes/iss/service");
  const std::uint64_t high = std::uint64_t{1} << KeyedDraws::kOccurrenceBits;
  for (std::uint64_t subject = 0; subject < 1000; ++subject) {
    const std::uint64_t occurrence = derive_occurrence(subject, 3) | (subject & 1 ? high : 0);
    EXPECT_EQ(f.first(subject, occurrence), f.at(subject, occurrence)()) << subject;
    EXPECT_EQ(f.first_uniform_open0(subject, occurrence),
              f.at(subject, occurrence).uniform_open0())
        << subject;
  }
  EXPECT_EQ(f.first(7, 3), 0xac0cfc16d5755437ULL);  // the pinned value above
}

TEST(KeyedRandom, APairSharesOneBlockThenEachFamilyContinuesOnItsOwn) {
  const KeyedRandom shared(8, "payers/p/purchase"), card(8, "payers/p/cards"),
      amount(8, "payers/p/amounts");
  auto [c, a] = shared.pair(card, amount, 21, 0);
  KeyedDraws block = shared.at(21, 0);
  EXPECT_EQ(c(), block());  // first values: the two halves of the shared block
  EXPECT_EQ(a(), block());
  // Then each family's own values from its second block on: what a card needs beyond one
  // value never comes out of the amount's numbers.
  KeyedDraws own_card = card.at(21, 0), own_amount = amount.at(21, 0);
  own_card(), own_card(), own_amount(), own_amount();  // skip block 0
  for (int i = 0; i < 5; ++i) {
    EXPECT_EQ(c(), own_card()) << i;
    EXPECT_EQ(a(), own_amount()) << i;
  }
}

TEST(KeyedRandom, UniformsAreUniformAcrossSubjects) {
  // One uniform per subject, as the flow draws them (the first value of each key).
  constexpr std::size_t kBins = 100;
  const KeyedRandom f(2024, "nodes/iss/service");
  std::vector<std::int64_t> counts(kBins, 0);
  for (int s = 0; s < kKeys; ++s) {
    const double u = f.at(static_cast<std::uint64_t>(s), 0).uniform01();
    ASSERT_GE(u, 0.0);
    ASSERT_LT(u, 1.0);
    ++counts[static_cast<std::size_t>(u * kBins)];
  }
  const double expected = static_cast<double>(kKeys) / kBins;
  double stat = 0;
  for (const auto c : counts) stat += (c - expected) * (c - expected) / expected;
  EXPECT_LT(stat, chi_square_threshold(kBins));
}

TEST(KeyedRandom, UniformsAreUniformAcrossOccurrencesAndLowBits) {
  // Consecutive occurrences of one subject, and the low 8 bits of the raw values: a
  // counter-based generator must not leak the counter's structure.
  constexpr std::size_t kBins = 256;
  const KeyedRandom f(5, "links");
  std::vector<std::int64_t> counts(kBins, 0);
  for (int o = 0; o < kKeys; ++o) ++counts[f.at(77, static_cast<std::uint64_t>(o))() & 0xff];
  const double expected = static_cast<double>(kKeys) / kBins;
  double stat = 0;
  for (const auto c : counts) stat += (c - expected) * (c - expected) / expected;
  EXPECT_LT(stat, chi_square_threshold(kBins));
}

TEST(KeyedRandom, NeighbouringKeysAreUncorrelated) {
  // The service time of a payment at one visit says nothing about the next visit's, the
  // next payment's, or another family's for the same payment.
  const KeyedRandom f(11, "nodes/a/service");
  const KeyedRandom g(11, "nodes/b/service");
  std::vector<double> base, next_occurrence, next_subject, other_family, second_value;
  for (int s = 0; s < kKeys; ++s) {
    const auto subject = static_cast<std::uint64_t>(s);
    KeyedDraws d = f.at(subject, 0);
    base.push_back(d.uniform01());
    second_value.push_back(d.uniform01());
    next_occurrence.push_back(f.at(subject, 1).uniform01());
    next_subject.push_back(f.at(subject + 1, 0).uniform01());
    other_family.push_back(g.at(subject, 0).uniform01());
  }
  const double bound = kSigmas / std::sqrt(static_cast<double>(kKeys));
  EXPECT_LT(std::abs(correlation(base, next_occurrence)), bound);
  EXPECT_LT(std::abs(correlation(base, next_subject)), bound);
  EXPECT_LT(std::abs(correlation(base, other_family)), bound);
  EXPECT_LT(std::abs(correlation(base, second_value)), bound);
}

TEST(KeyedRandom, ExponentialSamplesPassKolmogorovSmirnov) {
  // core::sample with keyed draws: the service times of kKeys payments against the
  // exponential CDF, at the 0.1% level of Kolmogorov's distribution.
  const KeyedRandom f(3, "nodes/iss/service");
  const Distribution d = Distribution::exponential(0.25);
  std::vector<double> x;
  for (int s = 0; s < kKeys; ++s) {
    KeyedDraws draws = f.at(static_cast<std::uint64_t>(s), 0);
    x.push_back(sample(d, draws));
  }
  std::sort(x.begin(), x.end());
  const auto n = static_cast<double>(x.size());
  double sup = 0;
  for (std::size_t i = 0; i < x.size(); ++i) {
    const double cdf = 1.0 - std::exp(-x[i] / 0.25);
    sup = std::max({sup, std::abs(cdf - static_cast<double>(i) / n),
                    std::abs(static_cast<double>(i + 1) / n - cdf)});
  }
  EXPECT_LT(std::sqrt(n) * sup, kKolmogorov999);
}

TEST(KeyedRandom, LognormalSamplesHaveTheirMedian) {
  // Boost's ziggurat over keyed draws: the sample median of a lognormal is exp(mu).
  // The count below the median is Binomial(n, 1/2): bounded at kSigmas standard errors.
  const KeyedRandom f(4, "payers/p/amount");
  const Distribution d = Distribution::lognormal_from_median_p99(42.0, 900.0);
  int below = 0;
  for (int s = 0; s < kKeys; ++s) {
    KeyedDraws draws = f.at(static_cast<std::uint64_t>(s), 0);
    below += sample(d, draws) < 42.0 ? 1 : 0;
  }
  const double sd = std::sqrt(kKeys * 0.25);
  EXPECT_NEAR(below, kKeys / 2.0, kSigmas * sd);
}

TEST(DeriveOccurrence, ChildrenOfOneParentAndParentsOfOneIndexDiffer) {
  std::vector<std::uint64_t> seen;
  for (std::uint64_t parent = 0; parent < 64; ++parent)
    for (std::uint64_t index = 0; index < 64; ++index)
      seen.push_back(derive_occurrence(parent, index) & KeyedDraws::kMaxOccurrence);
  std::sort(seen.begin(), seen.end());
  EXPECT_EQ(std::unique(seen.begin(), seen.end()), seen.end());
}

}  // namespace
}  // namespace payquake::core
