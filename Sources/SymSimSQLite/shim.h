// SQLite's C interface (libsqlite3-dev).
#include <sqlite3.h>
