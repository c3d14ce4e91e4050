// ZipfSampler: ranks in [1, n], frequencies proportional to k^-s (chi-square against the
// exact probabilities), s = 0 uniform, and O(1) memory: a billion cards cost no allocation.
#include "core/zipf.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <atomic>
#include <boost/math/distributions/chi_squared.hpp>
#include <cmath>
#include <cstdint>
#include <cstdlib>
#include <new>
#include <string>
#include <vector>

#include "core/random_stream.hpp"

// Counts global allocations so a test can show the sampler never allocates. Replacing
// operator new applies to the whole test binary; it only counts and forwards to malloc.
namespace {
std::atomic<std::int64_t> g_allocations{0};
}  // namespace

void* operator new(std::size_t size) {
  g_allocations.fetch_add(1, std::memory_order_relaxed);
  if (void* p = std::malloc(size == 0 ? 1 : size)) return p;
  throw std::bad_alloc();
}
// GCC cannot see that this operator new is malloc underneath and warns on the free.
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wmismatched-new-delete"
void operator delete(void* p) noexcept { std::free(p); }
void operator delete(void* p, std::size_t) noexcept { std::free(p); }
#pragma GCC diagnostic pop

namespace payquake::core {
namespace {

constexpr int kDraws = 200'000;
constexpr double kSigmas = 5.0;  // binomial bounds: a correct sampler fails with p < 1e-6
constexpr double kChiSquareQuantile = 1.0 - 1e-6;
// Pearson's statistic is trustworthy when every expected count is at least this.
constexpr double kMinExpectedCount = 5.0;

// The generalized harmonic number H(n, s) = sum_{k=1..n} k^-s: exact summation up to a
// hundred thousand terms, above that Euler-Maclaurin from k = 1000 on (relative error far
// below 1e-12).
double harmonic(std::int64_t n, double s) {
  constexpr std::int64_t kExactUpTo = 100'000;
  if (n <= kExactUpTo) {
    double sum = 0;
    for (std::int64_t k = n; k >= 1; --k) sum += std::pow(static_cast<double>(k), -s);
    return sum;
  }
  constexpr double m = 1000;
  double sum = 0;
  for (int k = 999; k >= 1; --k) sum += std::pow(k, -s);
  const double nn = static_cast<double>(n);
  const auto f = [s](double x) { return std::pow(x, -s); };
  const auto f1 = [s](double x) { return -s * std::pow(x, -s - 1); };
  const auto f3 = [s](double x) { return -s * (s + 1) * (s + 2) * std::pow(x, -s - 3); };
  const double integral =
      s == 1.0 ? std::log(nn / m) : (std::pow(nn, 1 - s) - std::pow(m, 1 - s)) / (1 - s);
  return sum + integral + (f(m) + f(nn)) / 2 + (f1(nn) - f1(m)) / 12 - (f3(nn) - f3(m)) / 720;
}

// Pearson's chi-square of `counts` (index k-1 holds rank k) against P(k) = k^-s / H(n, s),
// pooling the thinnest tail ranks until each cell expects at least kMinExpectedCount.
// Returns the statistic and sets `cells` to the number of cells used.
double chi_square_zipf(const std::vector<std::int64_t>& counts, double s, std::int64_t total,
                       std::size_t& cells) {
  const auto n = static_cast<std::int64_t>(counts.size());
  const double h = harmonic(n, s);
  double stat = 0, pooled_expected = 0, pooled_observed = 0;
  cells = 0;
  for (std::int64_t k = 1; k <= n; ++k) {
    pooled_expected += static_cast<double>(total) * std::pow(static_cast<double>(k), -s) / h;
    pooled_observed += static_cast<double>(counts[k - 1]);
    if (pooled_expected >= kMinExpectedCount || k == n) {
      const double d = pooled_observed - pooled_expected;
      stat += d * d / pooled_expected;
      ++cells;
      pooled_expected = pooled_observed = 0;
    }
  }
  return stat;
}

double chi_square_threshold(std::size_t cells) {
  const boost::math::chi_squared dist(static_cast<double>(cells - 1));
  return boost::math::quantile(dist, kChiSquareQuantile);
}

std::vector<std::int64_t> histogram(std::int64_t n, double s, const std::string& name) {
  ZipfSampler zipf(n, s);
  RandomStream rng(31, name);
  std::vector<std::int64_t> counts(static_cast<std::size_t>(n));
  for (int i = 0; i < kDraws; ++i) {
    const std::int64_t k = zipf(rng);
    EXPECT_GE(k, 1);
    EXPECT_LE(k, n);
    if (k < 1 || k > n) break;
    ++counts[static_cast<std::size_t>(k - 1)];
  }
  return counts;
}

void expect_binomial_fraction(std::int64_t hits, double p, const std::string& what) {
  EXPECT_NEAR(static_cast<double>(hits) / kDraws, p, kSigmas * std::sqrt(p * (1 - p) / kDraws))
      << what;
}

TEST(ZipfHarmonic, EulerMaclaurinAgreesWithExactSum) {
  // The test's own reference: the two branches of harmonic() agree where both apply.
  for (const double s : {0.0, 0.5, 1.0, 1.1, 2.0}) {
    double exact = 0;
    for (std::int64_t k = 300'000; k >= 1; --k) exact += std::pow(static_cast<double>(k), -s);
    EXPECT_NEAR(harmonic(300'000, s), exact, 1e-10 * exact) << "s = " << s;
  }
}

TEST(ZipfSampler, SingleRankAlwaysReturnsOne) {
  for (const double s : {0.0, 1.0, 1.1, 3.0}) {
    ZipfSampler zipf(1, s);
    RandomStream rng(1, "zipf/n1");
    for (int i = 0; i < 1000; ++i) ASSERT_EQ(zipf(rng), 1) << "s = " << s;
  }
}

TEST(ZipfSampler, ExponentZeroIsUniform) {
  for (const std::int64_t n : {2, 10, 100}) {
    const auto counts = histogram(n, 0.0, "zipf/uniform/" + std::to_string(n));
    std::size_t cells = 0;
    const double stat = chi_square_zipf(counts, 0.0, kDraws, cells);
    EXPECT_EQ(cells, static_cast<std::size_t>(n));  // every rank expects far more than 5
    EXPECT_LT(stat, chi_square_threshold(cells)) << "n = " << n;
  }
}

TEST(ZipfSampler, FrequenciesFollowThePowerLaw) {
  // s = 1.1 over 100 ranks is the scenario default for card activity; the others cover
  // s = 1 (where the sampler's helpers switch to their series), s near 1, mild and steep
  // skews.
  const std::vector<std::pair<std::int64_t, double>> params = {
      {100, 1.1}, {50, 1.0}, {30, 1.0 + 1e-10}, {1000, 0.5}, {20, 2.5}, {2, 0.7}, {5000, 1.3}};
  for (const auto& [n, s] : params) {
    const auto counts = histogram(n, s, "zipf/law/" + std::to_string(n));
    std::size_t cells = 0;
    const double stat = chi_square_zipf(counts, s, kDraws, cells);
    EXPECT_LT(stat, chi_square_threshold(cells)) << "n = " << n << ", s = " << s;
    // Rank 1 is the most active.
    EXPECT_GT(counts[0], counts[static_cast<std::size_t>(n - 1)]) << "n = " << n << ", s = " << s;
  }
}

TEST(ZipfSampler, BillionRanksWithoutAllocating) {
  constexpr std::int64_t n = 1'000'000'000;
  constexpr double s = 1.1;
  RandomStream rng(8, "zipf/billion");
  std::vector<std::int64_t> ranks(kDraws);  // allocated before counting starts

  const std::int64_t allocations_before = g_allocations.load();
  const ZipfSampler zipf(n, s);
  for (auto& k : ranks) k = zipf(rng);
  const std::int64_t allocations = g_allocations.load() - allocations_before;
  EXPECT_EQ(allocations, 0);

  std::int64_t ones = 0, twos = 0, top10 = 0, beyond_million = 0;
  for (const auto k : ranks) {
    ASSERT_GE(k, 1);
    ASSERT_LE(k, n);
    ones += k == 1;
    twos += k == 2;
    top10 += k <= 10;
    beyond_million += k > 1'000'000;
  }
  const double h = harmonic(n, s);
  expect_binomial_fraction(ones, 1 / h, "P(rank 1)");
  expect_binomial_fraction(twos, std::pow(2.0, -s) / h, "P(rank 2)");
  expect_binomial_fraction(top10, harmonic(10, s) / h, "P(rank <= 10)");
  // The deep tail is reached too: about 13% of draws land beyond rank one million.
  expect_binomial_fraction(beyond_million, 1 - harmonic(1'000'000, s) / h, "P(rank > 1e6)");
}

TEST(ZipfSampler, BillionRanksUniformWhenExponentIsZero) {
  constexpr std::int64_t n = 1'000'000'000;
  const ZipfSampler zipf(n, 0.0);
  RandomStream rng(9, "zipf/billion/uniform");
  double sum = 0;
  std::int64_t max_rank = 0;
  for (int i = 0; i < kDraws; ++i) {
    const std::int64_t k = zipf(rng);
    ASSERT_GE(k, 1);
    ASSERT_LE(k, n);
    sum += static_cast<double>(k);
    max_rank = std::max(max_rank, k);
  }
  // Discrete uniform on [1, n]: mean (n + 1) / 2, standard deviation about n / sqrt(12).
  const double nn = static_cast<double>(n);
  EXPECT_NEAR(sum / kDraws, (nn + 1) / 2, kSigmas * nn / std::sqrt(12.0 * kDraws));
  EXPECT_GT(max_rank, n - n / 1000);
}

TEST(ZipfSampler, SameStreamGivesSameRanks) {
  const ZipfSampler zipf(1'000'000, 1.1);
  RandomStream a(4, "zipf/repro");
  RandomStream b(4, "zipf/repro");
  for (int i = 0; i < 10'000; ++i) ASSERT_EQ(zipf(a), zipf(b));
}

}  // namespace
}  // namespace payquake::core
