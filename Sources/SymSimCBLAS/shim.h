// The CBLAS interface of OpenBLAS, wherever the distribution puts it.
#if __has_include(<cblas-openblas.h>)
#include <cblas-openblas.h>
#elif __has_include(<openblas/cblas.h>)
#include <openblas/cblas.h>
#else
#include <cblas.h>
#endif
