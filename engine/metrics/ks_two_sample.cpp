// A line-by-line port of scipy 1.10.1's ks_2samp (scipy/stats/_stats_py.py,
// _stats_pythran.py) and of kstwo's survival function (scipy/stats/_ksstats.py): the branch
// structure, the loop orders and the rescaling are kept so that p-values agree to rounding.
#include "metrics/ks_two_sample.h"

#include <Eigen/Core>
#include <algorithm>
#include <cmath>
#include <cstdint>
#include <limits>
#include <numeric>

#include "core/error.h"

namespace cw {
namespace {

constexpr double kPi = 3.14159265358979323846;
constexpr int kE128 = 128;
const double kEP128 = std::ldexp(1.0, kE128);
const double kEM128 = std::ldexp(1.0, -kE128);

double clip01(double p) { return std::isnan(p) ? p : std::clamp(p, 0.0, 1.0); }

double selectClip(double cdfProb, double sfProb, bool cdf) { return clip01(cdf ? cdfProb : sfProb); }

// scipy.special.binom (scipy/special/orthogonal_eval.pxd) for the non-negative arguments
// used here: the multiplicative formula for k < 20 after symmetry, else 1/((n+1)·B(n−k+1, k+1)).
double binom(double n, double k) {
    double kx = std::floor(k);
    if (k == kx && (std::fabs(n) > 1e-8 || n == 0)) {
        const double nx = std::floor(n);
        if (nx == n && kx > nx / 2 && nx > 0) kx = nx - kx;
        if (kx >= 0 && kx < 20) {
            double num = 1.0, den = 1.0;
            for (int i = 1; i < 1 + static_cast<int>(kx); ++i) {
                num *= i + n - kx;
                den *= i;
                if (std::fabs(num) > 1e50) {
                    num /= den;
                    den = 1.0;
                }
            }
            return num / den;
        }
    }
    if (k < 0 || k > n) return 0.0;
    const long double ln = std::lgamma(static_cast<long double>(n) + 1) -
                           std::lgamma(static_cast<long double>(n - k) + 1) -
                           std::lgamma(static_cast<long double>(k) + 1);
    return static_cast<double>(std::exp(ln));
}

double computeProbOutsideSquare(std::int64_t n, std::int64_t h) {
    double P = 0.0;
    std::int64_t k = static_cast<std::int64_t>(std::floor(static_cast<double>(n) / h));
    while (k >= 0) {
        double p1 = 1.0;
        for (std::int64_t j = 0; j < h; ++j) {
            p1 = static_cast<double>(n - k * h - j) * p1 / static_cast<double>(n + k * h + j + 1);
        }
        P = p1 * (1.0 - P);
        --k;
    }
    return 2 * P;
}

double computeOuterProbInsideMethod(std::int64_t m, std::int64_t n, std::int64_t g, std::int64_t h) {
    if (m < n) std::swap(m, n);
    const std::int64_t mg = m / g, ng = n / g;
    std::int64_t minj = 0;
    std::int64_t maxj = std::min(static_cast<std::int64_t>(std::ceil(static_cast<double>(h) / mg)), n + 1);
    std::int64_t curlen = maxj - minj;
    const std::int64_t lenA = std::min(2 * maxj + 2, n + 1);
    std::vector<double> A(static_cast<std::size_t>(lenA), 1.0);
    for (std::int64_t j = minj; j < std::min(maxj, lenA); ++j) A[j] = 0.0;
    for (std::int64_t i = 1; i <= m; ++i) {
        const std::int64_t lastminj = minj, lastlen = curlen;
        minj = std::max(static_cast<std::int64_t>(std::floor(static_cast<double>(ng * i - h) / mg)) + 1,
                        std::int64_t{0});
        minj = std::min(minj, n);
        maxj = std::min(static_cast<std::int64_t>(std::ceil(static_cast<double>(ng * i + h) / mg)), n + 1);
        if (maxj <= minj) return 1.0;
        double val = minj == 0 ? 0.0 : 1.0;
        for (std::int64_t jj = 0; jj < maxj - minj; ++jj) {
            const std::int64_t j = jj + minj;
            val = (A[jj + minj - lastminj] * i + val * j) / static_cast<double>(i + j);
            A[jj] = val;
        }
        curlen = maxj - minj;
        if (lastlen > curlen) {
            for (std::int64_t q = maxj - minj; q < std::min(maxj - minj + (lastlen - curlen), lenA); ++q) {
                A[q] = 1;
            }
        }
    }
    return A[maxj - minj - 1];
}

double countPathsOutsideMethod(std::int64_t m, std::int64_t n, std::int64_t g, std::int64_t h) {
    if (m < n) std::swap(m, n);
    const std::int64_t mg = m / g, ng = n / g;
    // Python's // floors; (mg − h) may be negative.
    auto floorDiv = [](std::int64_t a, std::int64_t b) {
        std::int64_t q = a / b;
        if ((a % b != 0) && ((a < 0) != (b < 0))) --q;
        return q;
    };
    const std::int64_t lxj = n + floorDiv(mg - h, mg);
    if (lxj <= 0) return binom(static_cast<double>(m + n), static_cast<double>(n));
    std::vector<std::int64_t> xj(static_cast<std::size_t>(lxj));
    for (std::int64_t j = 0; j < lxj; ++j) xj[j] = floorDiv(h + mg * j + ng - 1, ng);
    std::vector<double> B(static_cast<std::size_t>(lxj), 0.0);
    B[0] = 1;
    for (std::int64_t j = 1; j < lxj; ++j) {
        double Bj = binom(static_cast<double>(xj[j] + j), static_cast<double>(j));
        for (std::int64_t i = 0; i < j; ++i) {
            Bj -= binom(static_cast<double>(xj[j] - xj[i] + j - i), static_cast<double>(j - i)) * B[i];
        }
        B[j] = Bj;
    }
    double numPaths = 0;
    for (std::int64_t j = 0; j < lxj; ++j) {
        numPaths += B[j] * binom(static_cast<double>((m - xj[j]) + (n - j)), static_cast<double>(n - j));
    }
    return numPaths;
}

struct ExactAttempt {
    bool success = false;
    double d = 0;
    double prob = std::numeric_limits<double>::quiet_NaN();
};

ExactAttempt attemptExact(std::int64_t n1, std::int64_t n2, std::int64_t g, double d,
                          KsAlternative alternative) {
    const std::int64_t lcm = (n1 / g) * n2;
    const auto h = static_cast<std::int64_t>(std::nearbyint(d * static_cast<double>(lcm)));
    ExactAttempt r;
    r.d = static_cast<double>(h) * 1.0 / static_cast<double>(lcm);
    if (h == 0) {
        r.success = true;
        r.prob = 1.0;
        return r;
    }
    double prob = std::numeric_limits<double>::quiet_NaN();
    if (alternative == KsAlternative::TwoSided) {
        prob = n1 == n2 ? computeProbOutsideSquare(n1, h) : computeOuterProbInsideMethod(n1, n2, g, h);
    } else if (n1 == n2) {
        prob = 1.0;
        for (std::int64_t j = 0; j < h; ++j) {
            prob *= static_cast<double>(n1 - j) / (static_cast<double>(n1 + j) + 1.0);
        }
    } else {
        const double numPaths = countPathsOutsideMethod(n1, n2, g, h);
        const double bin = binom(static_cast<double>(n1 + n2), static_cast<double>(n1));
        // scipy raises on overflow (errstate over='raise') and gives up on exact.
        if (!std::isfinite(numPaths) || numPaths > bin || std::isinf(bin)) return r;
        prob = numPaths / bin;
    }
    if (!std::isfinite(prob) && !std::isnan(prob)) return r;
    if (!(0 <= prob && prob <= 1)) {
        r.prob = prob;
        return r;
    }
    r.success = true;
    r.prob = prob;
    return r;
}

// ---- kstwo.sf: scipy/stats/_ksstats.py ----

constexpr double kStirling[] = {-2.955065359477124183e-2, 6.4102564102564102564e-3,
                                -1.9175269175269175269e-3, 8.4175084175084175084e-4,
                                -5.952380952380952381e-4,  7.9365079365079365079e-4,
                                -2.7777777777777777778e-3, 8.3333333333333333333e-2};

double logNFactorialDivNPowN(double n) {
    const double rn = 1.0 / n;
    double poly = 0;
    for (double c : kStirling) poly = poly * (rn / n) + c;
    return std::log(n) / 2 - n + std::log(2 * kPi) / 2 + rn * poly;
}

// Durbin's matrix, Marsaglia–Tsang–Wang's variant: the CDF Pr(Dn ≤ d).
double kolmognDmtw(int n, double d) {
    if (d >= 1.0) return 1.0;
    const double nd = n * d;
    if (nd <= 0.5) return 0.0;
    const int k = static_cast<int>(std::ceil(nd));
    const double h = k - nd;
    const int m = 2 * k - 1;
    Eigen::MatrixXd H = Eigen::MatrixXd::Zero(m, m);
    std::vector<double> v(m), w(m);
    for (int j = 1; j <= m; ++j) v[j - 1] = 1.0 - std::pow(h, j);
    double fac = 1.0;
    for (int j = 1; j <= m; ++j) {
        w[j - 1] = fac;
        fac /= j;
        v[j - 1] *= fac;
    }
    const double tt = std::pow(std::max(2 * h - 1.0, 0.0), m) - 2 * std::pow(h, m);
    v[m - 1] = (1.0 + tt) * fac;
    for (int i = 1; i < m; ++i) {
        for (int r = i - 1; r < m; ++r) H(r, i) = w[r - (i - 1)];
    }
    for (int r = 0; r < m; ++r) H(r, 0) = v[r];
    for (int c = 0; c < m; ++c) H(m - 1, c) = v[m - 1 - c];
    Eigen::MatrixXd Hpwr = Eigen::MatrixXd::Identity(m, m);
    int nn = n;
    long expnt = 0, Hexpnt = 0;
    while (nn > 0) {
        if (nn % 2) {
            Hpwr = (Hpwr * H).eval();
            expnt += Hexpnt;
        }
        H = (H * H).eval();
        Hexpnt *= 2;
        if (std::fabs(H(k - 1, k - 1)) > kEP128) {
            H /= kEP128;
            Hexpnt += kE128;
        }
        nn /= 2;
    }
    double p = Hpwr(k - 1, k - 1);
    for (int i = 1; i <= n; ++i) {
        p = i * p / n;
        if (std::fabs(p) < kEM128) {
            p *= kEP128;
            expnt -= kE128;
        }
    }
    if (expnt != 0) p = std::ldexp(p, static_cast<int>(expnt));
    return clip01(p);
}

std::pair<long, long> pomeranzJ1J2(long i, long n, long ll, long ceilf, long roundf) {
    long j1, j2;
    if (i == 0) {
        j1 = -ll - ceilf - 1;
        j2 = ll + ceilf - 1;
    } else {
        const long ip1div2 = (i + 1) / 2, ip1mod2 = (i + 1) % 2;
        if (ip1mod2 == 0) {
            if (ip1div2 == n + 1) {
                j1 = n - ll - ceilf - 1;
                j2 = n + ll + ceilf - 1;
            } else {
                j1 = ip1div2 - 1 - ll - roundf - 1;
                j2 = ip1div2 + ll - 1 + ceilf - 1;
            }
        } else {
            j1 = ip1div2 - 1 - ll - 1;
            j2 = ip1div2 + ll + roundf - 1;
        }
    }
    return {std::max(j1 + 2, 0L), std::min(j2, n)};
}

// Pomeranz (1974): the CDF Pr(Dn ≤ x).
double kolmognPomeranz(int n, double x) {
    const double t = n * x;
    const long ll = static_cast<long>(std::floor(t));
    const double f = 1.0 * (t - ll);
    const double g = std::min(f, 1.0 - f);
    const long ceilf = f > 0 ? 1 : 0;
    const long roundf = f > 0.5 ? 1 : 0;
    const long npwrs = 2 * (ll + 1);
    std::vector<double> gpower(npwrs), twogpower(npwrs), onem2gpower(npwrs);
    gpower[0] = twogpower[0] = onem2gpower[0] = 1.0;
    long expnt = 0;
    const double gOverN = g / n, twoGOverN = 2 * g / n, oneMinusTwoGOverN = (1 - 2 * g) / n;
    for (long m = 1; m < npwrs; ++m) {
        gpower[m] = gpower[m - 1] * gOverN / m;
        twogpower[m] = twogpower[m - 1] * twoGOverN / m;
        onem2gpower[m] = onem2gpower[m - 1] * oneMinusTwoGOverN / m;
    }
    std::vector<double> V0(npwrs, 0.0), V1(npwrs, 0.0);
    V1[0] = 1;
    long V0s = 0, V1s = 0;
    auto [j1, j2] = pomeranzJ1J2(0, n, ll, ceilf, roundf);
    std::vector<double> conv;
    for (long i = 1; i < 2L * n + 2; ++i) {
        const long k1 = j1;
        std::swap(V0, V1);
        std::swap(V0s, V1s);
        std::fill(V1.begin(), V1.end(), 0.0);
        std::tie(j1, j2) = pomeranzJ1J2(i, n, ll, ceilf, roundf);
        const std::vector<double>& pwrs =
            (i == 1 || i == 2L * n + 1) ? gpower : (i % 2 ? twogpower : onem2gpower);
        const long ln2 = j2 - k1 + 1;
        if (ln2 > 0) {
            // np.convolve(V0[k1 − V0s : k1 − V0s + ln2], pwrs[:ln2]), slices clipped as numpy's.
            const long aStart = std::clamp(k1 - V0s, 0L, npwrs);
            const long aLen = std::clamp(k1 - V0s + ln2, 0L, npwrs) - aStart;
            const long bLen = std::min(ln2, npwrs);
            conv.assign(static_cast<std::size_t>(std::max(aLen + bLen - 1, 0L)), 0.0);
            for (long a = 0; a < aLen; ++a) {
                for (long b = 0; b < bLen; ++b) conv[a + b] += V0[aStart + a] * pwrs[b];
            }
            const long convStart = j1 - k1;
            const long convLen = j2 - j1 + 1;
            for (long q = 0; q < convLen && q < npwrs; ++q) {
                const long src = convStart + q;
                if (src >= 0 && src < static_cast<long>(conv.size())) V1[q] = conv[src];
            }
            const double vmax = *std::max_element(V1.begin(), V1.end());
            if (0 < vmax && vmax < kEM128) {
                for (double& e : V1) e *= kEP128;
                expnt -= kE128;
            }
            V1s = V0s + j1 - k1;
        }
    }
    double ans = V1[n - V1s];
    for (int m = 1; m <= n; ++m) {
        if (std::fabs(ans) > kEP128) {
            ans *= kEM128;
            expnt += kE128;
        }
        ans *= m;
    }
    if (expnt != 0) ans = std::ldexp(ans, static_cast<int>(expnt));
    return clip01(ans);
}

// Pelz & Good (1976): the CDF Pr(Dn ≤ x), approximately.
double kolmognPelzGood(int n, double x) {
    if (x <= 0.0) return 0.0;
    if (x >= 1.0) return 1.0;
    const double pi2 = kPi * kPi, pi4 = pi2 * pi2, pi6 = pi4 * pi2;
    const double sqrt2pi = std::sqrt(2 * kPi);
    const double z = std::sqrt(static_cast<double>(n)) * x;
    const double z2 = z * z, z3 = z2 * z, z4 = z2 * z2, z6 = z4 * z2;
    const double qlog = -pi2 / 8 / z2;
    if (qlog < -708) return 0.0;
    double q = std::exp(qlog);
    const double k1a = -z2, k1b = pi2 / 4;
    const double k2a = 6 * z6 + 2 * z4, k2b = (2 * z4 - 5 * z2) * pi2 / 4,
                 k2c = pi4 * (1 - 2 * z2) / 16;
    const double k3d = pi6 * (5 - 30 * z2) / 64, k3c = pi4 * (-60 * z2 + 212 * z4) / 16,
                 k3b = pi2 * (135 * z4 - 96 * z6) / 4, k3a = -30 * z6 - 90 * std::pow(z, 8);
    double K[4] = {0, 0, 0, 0};
    const int maxk = static_cast<int>(std::ceil(16 * z / kPi));
    for (int k = maxk; k > 0; --k) {
        const double m = 2.0 * k - 1;
        const double m2 = m * m, m4 = m2 * m2, m6 = m4 * m2;
        const double qpower = std::pow(q, 8 * k);
        const double coeffs[4] = {1.0, k1a + k1b * m2, k2a + k2b * m2 + k2c * m4,
                                  k3a + k3b * m2 + k3c * m4 + k3d * m6};
        for (int i = 0; i < 4; ++i) K[i] = K[i] * qpower + coeffs[i];
    }
    const double den[4] = {z, 6 * z4, 72 * std::pow(z, 7), 6480 * std::pow(z, 10)};
    for (int i = 0; i < 4; ++i) K[i] = K[i] * q * sqrt2pi / den[i];
    q = std::exp(-pi2 / 2 / z2);
    double k2extra = 0, k3extra = 0;
    const double sqrt3z = std::sqrt(3.0) * z;
    for (int k = maxk; k > 0; --k) {
        const double ks2 = static_cast<double>(k) * k;
        const double qp = std::pow(q, ks2);
        const double kspi = kPi * k;
        k2extra += ks2 * qp;
        k3extra += (sqrt3z + kspi) * (sqrt3z - kspi) * ks2 * qp;
    }
    K[2] += k2extra * (pi2 * sqrt2pi / (-36 * z3));
    K[3] += k3extra * (pi2 * sqrt2pi / (216 * z6));
    double sum = 0;
    for (int i = 0; i < 4; ++i) sum += K[i] / std::pow(n * 1.0, i / 2.0);
    return sum;
}

}  // namespace

double smirnovSf(int n, double d) {
    if (std::isnan(d) || n <= 0) return std::numeric_limits<double>::quiet_NaN();
    if (d >= 1.0) return 0.0;
    if (d <= 0.0) return 1.0;
    if (n == 1) return 1.0 - d;
    const long double ld = d, ln = n;
    const auto vmax = static_cast<long>(std::floor(ln * (1 - ld)));
    long double sum = 0, logC = 0;  // log C(n, v), updated incrementally
    for (long v = 0; v <= std::min<long>(vmax, n); ++v) {
        if (v > 0) logC += std::log(static_cast<long double>(n - v + 1)) - std::log(static_cast<long double>(v));
        const long double a = ld + v / ln;
        const long double b = 1 - ld - v / ln;
        long double logTerm = logC + std::log(ld) + (v - 1) * std::log(a);
        if (n - v > 0) {
            if (b <= 0) continue;
            logTerm += (n - v) * std::log(b);
        }
        sum += std::exp(logTerm);
    }
    return clip01(static_cast<double>(sum));
}

double kolmogorovSf(int n, double x) {
    if (std::isnan(x) || n <= 0) return std::numeric_limits<double>::quiet_NaN();
    if (x >= 1.0) return 0.0;
    if (x <= 0.0) return 1.0;
    const double t = n * x;
    if (t <= 1.0) {
        if (t <= 0.5) return 1.0;
        double prob;
        if (n <= 140) {
            prob = 1.0;
            for (int i = 1; i <= n; ++i) prob *= i * (1.0 / n) * (2 * t - 1);
        } else {
            prob = std::exp(logNFactorialDivNPowN(n) + n * std::log(2 * t - 1));
        }
        return clip01(1.0 - prob);
    }
    if (t >= n - 1) return clip01(2 * std::pow(1.0 - x, n));
    if (x >= 0.5) return clip01(2 * smirnovSf(n, x));
    const double nxsquared = t * x;
    if (n <= 140) {
        if (nxsquared <= 0.754693) return clip01(1.0 - kolmognDmtw(n, x));
        if (nxsquared <= 4) return clip01(1.0 - kolmognPomeranz(n, x));
        return clip01(2 * smirnovSf(n, x));
    }
    if (nxsquared >= 370.0) return 0.0;
    if (nxsquared >= 2.2) return clip01(2 * smirnovSf(n, x));
    double cdfprob;
    if (n <= 100000 && n * std::pow(x, 1.5) <= 1.4) {
        cdfprob = kolmognDmtw(n, x);
    } else {
        cdfprob = kolmognPelzGood(n, x);
    }
    return selectClip(cdfprob, 1.0 - cdfprob, false);
}

const char* ksAlternativeName(KsAlternative alternative) {
    switch (alternative) {
    case KsAlternative::TwoSided: return "two-sided";
    case KsAlternative::Less: return "less";
    case KsAlternative::Greater: return "greater";
    }
    return "two-sided";
}

KsAlternative parseKsAlternative(const std::string& name) {
    if (name == "two-sided" || name == "t") return KsAlternative::TwoSided;
    if (name == "less" || name == "l") return KsAlternative::Less;
    if (name == "greater" || name == "g") return KsAlternative::Greater;
    throw ConfigError("Unknown KS alternative '" + name + "': use two-sided, less or greater.");
}

const char* ksMethodName(KsMethod method) {
    switch (method) {
    case KsMethod::Auto: return "auto";
    case KsMethod::Exact: return "exact";
    case KsMethod::Asymptotic: return "asymp";
    }
    return "auto";
}

KsMethod parseKsMethod(const std::string& name) {
    if (name == "auto") return KsMethod::Auto;
    if (name == "exact") return KsMethod::Exact;
    if (name == "asymp") return KsMethod::Asymptotic;
    throw ConfigError("Unknown KS method '" + name + "': use auto, exact or asymp.");
}

KsResult ks2Sample(std::vector<double> data1, std::vector<double> data2, KsAlternative alternative,
                   KsMethod method) {
    // numpy sorts NaN last.
    auto nanLast = [](double a, double b) {
        if (std::isnan(a)) return false;
        if (std::isnan(b)) return true;
        return a < b;
    };
    std::sort(data1.begin(), data1.end(), nanLast);
    std::sort(data2.begin(), data2.end(), nanLast);
    const auto n1 = static_cast<std::int64_t>(data1.size());
    const auto n2 = static_cast<std::int64_t>(data2.size());
    if (std::min(n1, n2) == 0) throw ValueError("KS test: both samples must be non-empty.");

    std::vector<double> all(data1);
    all.insert(all.end(), data2.begin(), data2.end());
    std::size_t argmin = 0, argmax = 0;
    double minDiff = std::numeric_limits<double>::infinity();
    double maxDiff = -std::numeric_limits<double>::infinity();
    for (std::size_t i = 0; i < all.size(); ++i) {
        const auto c1 = std::upper_bound(data1.begin(), data1.end(), all[i], nanLast) - data1.begin();
        const auto c2 = std::upper_bound(data2.begin(), data2.end(), all[i], nanLast) - data2.begin();
        const double diff = static_cast<double>(c1) / static_cast<double>(n1) -
                            static_cast<double>(c2) / static_cast<double>(n2);
        if (diff < minDiff) {
            minDiff = diff;
            argmin = i;
        }
        if (diff > maxDiff) {
            maxDiff = diff;
            argmax = i;
        }
    }
    const double minS = std::clamp(-minDiff, 0.0, 1.0);
    const double maxS = maxDiff;

    KsResult result;
    result.n1 = static_cast<std::size_t>(n1);
    result.n2 = static_cast<std::size_t>(n2);
    double d;
    if (alternative == KsAlternative::Less || (alternative == KsAlternative::TwoSided && minS > maxS)) {
        d = minS;
        result.location = all[argmin];
        result.sign = -1;
    } else {
        d = maxS;
        result.location = all[argmax];
        result.sign = 1;
    }
    const std::int64_t g = std::gcd(n1, n2);
    const std::int64_t n1g = n1 / g, n2g = n2 / g;
    double prob = -std::numeric_limits<double>::infinity();
    KsMethod mode = method;
    if (mode == KsMethod::Auto) {
        mode = std::max(n1, n2) <= 10000 ? KsMethod::Exact : KsMethod::Asymptotic;
    } else if (mode == KsMethod::Exact) {
        if (static_cast<double>(n1g) >=
            static_cast<double>(std::numeric_limits<std::int32_t>::max()) / static_cast<double>(n2g)) {
            mode = KsMethod::Asymptotic;
        }
    }
    if (mode == KsMethod::Exact) {
        const ExactAttempt attempt = attemptExact(n1, n2, g, d, alternative);
        d = attempt.d;
        prob = attempt.prob;
        if (!attempt.success) mode = KsMethod::Asymptotic;
    }
    if (mode == KsMethod::Asymptotic) {
        const double m = static_cast<double>(std::max(n1, n2));
        const double n = static_cast<double>(std::min(n1, n2));
        const double en = m * n / (m + n);
        if (alternative == KsAlternative::TwoSided) {
            prob = kolmogorovSf(static_cast<int>(std::nearbyint(en)), d);
        } else {
            const double z = std::sqrt(en) * d;
            // Hodges' eq. 5.3; m must be the larger sample.
            const double expt = -2 * z * z - 2 * z * (m + 2 * n) / std::sqrt(m * n * (m + n)) / 3.0;
            prob = std::exp(expt);
        }
    }
    result.statistic = d;
    result.pvalue = clip01(prob);
    result.method = mode;
    return result;
}

}  // namespace cw
