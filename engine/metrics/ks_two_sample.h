#pragma once
/// @file Two-sample Kolmogorov–Smirnov test, a port of scipy.stats.ks_2samp (scipy 1.10.1):
/// the same statistic, the same exact and asymptotic p-values, the same fallbacks. See docs
/// docs/spec/metrics.md for the reference values it is tested against.

#include <string>
#include <vector>

namespace cw {

/// The alternative hypothesis, as scipy's `alternative`.
enum class KsAlternative { TwoSided, Less, Greater };
/// How the p-value is computed, as scipy's `method`.
enum class KsMethod { Auto, Exact, Asymptotic };

/// "two-sided" / "less" / "greater".
const char* ksAlternativeName(KsAlternative alternative);
/// Parses "two-sided", "less" or "greater" (scipy also accepts the first letter). Throws
/// ConfigError naming the choices.
KsAlternative parseKsAlternative(const std::string& name);
/// "auto" / "exact" / "asymp".
const char* ksMethodName(KsMethod method);
/// Parses "auto", "exact" or "asymp". Throws ConfigError naming the choices.
KsMethod parseKsMethod(const std::string& name);

/// Result of ks2Sample.
struct KsResult {
    double statistic = 0;       ///< D (D+ for "greater", D− for "less")
    double pvalue = 1;          ///< in [0, 1]
    KsMethod method = KsMethod::Exact;  ///< the method actually used (never Auto)
    double location = 0;        ///< the pooled value where the statistic is attained
    int sign = 1;               ///< +1 if F₁ − F₂ is maximal there, −1 if minimal
    std::size_t n1 = 0, n2 = 0;
};

/// scipy.stats.ks_2samp(data1, data2, alternative, method). Auto is exact when
/// max(n₁, n₂) ≤ 10000; exact falls back to asymptotic when lcm(n₁, n₂) is too large or the
/// lattice-path computation overflows (as scipy, which warns). Exact two-sided: the closed form
/// for n₁ = n₂, else Viehmann's "inside" recursion for 1 − p (Hodges 1958; arXiv 2102.08037);
/// exact one-sided: the product formula for n₁ = n₂, else Hodges' path count. Asymptotic
/// two-sided: kstwo.sf(D, round(n₁n₂/(n₁+n₂))) (see kolmogorovSf); one-sided: Hodges' eq. 5.3.
/// NaN values are not removed (scipy does not either; sort them last). Throws ValueError for an
/// empty sample. Thread-safe.
KsResult ks2Sample(std::vector<double> data1, std::vector<double> data2,
                   KsAlternative alternative = KsAlternative::TwoSided,
                   KsMethod method = KsMethod::Auto);

/// Survival function Pr(Dₙ > d) of the one-sample two-sided Kolmogorov statistic for sample size
/// n, as scipy.stats.kstwo.sf (scipy/stats/_ksstats.py `_kolmogn`, after Simard & L'Ecuyer
/// 2011): Ruben–Gambino closed forms at the ends, Durbin's matrix (Marsaglia–Tsang–Wang 2003),
/// Pomeranz's recursion, the Pelz–Good approximation, or 2·smirnovSf(n, d). Thread-safe.
double kolmogorovSf(int n, double d);

/// Pr(Dₙ⁺ ≥ d), the one-sided one-sample Smirnov statistic (scipy.special.smirnov), by the
/// Birnbaum–Tingey sum evaluated in logs with long double (scipy uses double-double arithmetic;
/// agreement is to about 1e-14 relative for n ≤ 10⁶). Thread-safe.
double smirnovSf(int n, double d);

}  // namespace cw
