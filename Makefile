# cunwu - one binary, server and command line. `make` builds build/cunwu; `make test` runs
# every test suite (see scripts/test) and ends with one line: N passed, N failed, N skipped.

CC      ?= cc
PKGS    := libmicrohttpd jansson sqlite3 libsodium libpq libzip expat freexl xlsxwriter libcurl \
           nettle
CFLAGS  ?= -O2 -g
CFLAGS  += -std=c11 -D_GNU_SOURCE -Wall -Wextra -Werror -Wshadow -Wstrict-prototypes \
           -Wno-missing-field-initializers -Isrc -Ibuild/gen $(shell pkg-config --cflags $(PKGS))
LDLIBS  += $(shell pkg-config --libs $(PKGS)) -lpthread -lm
SAN     := -fsanitize=address,undefined -fno-sanitize-recover=all -fno-omit-frame-pointer

SRC     := $(sort $(wildcard src/core/*.c) $(filter-out src/main.c,$(wildcard src/*/*.c)))
GEN     := build/gen/schema.c build/gen/version.h
OBJ     := $(SRC:%.c=build/obj/%.o) build/obj/gen/schema.o build/obj/gen/pinyin.o \
           build/obj/gen/data.o build/obj/gen/web.o build/obj/gen/web_s.o
SAN_OBJ := $(SRC:%.c=build/asan/%.o) build/asan/gen/schema.o build/asan/gen/pinyin.o \
           build/asan/gen/data.o build/asan/gen/web.o build/asan/gen/web_s.o
# the hanzi -> pinyin table of src/people/pinyin.c (Debian's golang-github-mozillazg-go-pinyin-dev)
PINYIN_DICT ?= $(wildcard /usr/share/gocode/src/github.com/mozillazg/go-pinyin/pinyin_dict.go)
# the console: web/ built by Vite into web/dist, embedded by scripts/gen-web
WEB_SRC := $(shell find web/src web/public -type f 2>/dev/null) web/index.html web/public.html \
           web/vite.config.js web/package.json web/package-lock.json
SQL     := $(sort $(wildcard schema/*/*.sql))
UNIT    := $(sort $(wildcard tests/unit/*/*.c))
VERSION := $(shell git describe --always --dirty 2>/dev/null || echo unknown)

.PHONY: all test asan unit-bins fuzz format format-check clean demo bench bench-smoke soak

all: build/cunwu build/tests/api-runner build/tests/slowclients unit-bins

build/gen/schema.c: scripts/gen-schema schema/modules $(SQL)
	@mkdir -p $(@D)
	scripts/gen-schema schema > $@.tmp && mv $@.tmp $@

build/gen/version.h: FORCE
	@mkdir -p $(@D)
	@echo '#define CUNWU_VERSION "$(VERSION)"' > $@.tmp
	@cmp -s $@.tmp $@ && rm $@.tmp || mv $@.tmp $@
FORCE:

build/obj/%.o: %.c $(GEN) $(wildcard src/core/*.h src/*/*.h)
	@mkdir -p $(@D)
	@echo "  CC      $<"
	@$(CC) $(CFLAGS) -c -o $@ $<

build/asan/%.o: %.c $(GEN) $(wildcard src/core/*.h src/*/*.h)
	@mkdir -p $(@D)
	@echo "  CC asan $<"
	@$(CC) $(CFLAGS) -O1 $(SAN) -c -o $@ $<

build/obj/gen/schema.o: build/gen/schema.c
	@mkdir -p $(@D)
	@echo "  CC      $<"
	@$(CC) $(CFLAGS) -c -o $@ $<
build/asan/gen/schema.o: build/gen/schema.c
	@mkdir -p $(@D)
	$(CC) $(CFLAGS) $(SAN) -c -o $@ $<
build/gen/pinyin.c: scripts/gen-pinyin $(PINYIN_DICT)
	@mkdir -p $(@D)
	scripts/gen-pinyin $(PINYIN_DICT) > $@.tmp && mv $@.tmp $@
build/obj/gen/pinyin.o: build/gen/pinyin.c src/people/text.h
	@mkdir -p $(@D)
	@echo "  CC      $<"
	@$(CC) $(CFLAGS) -c -o $@ $<
build/asan/gen/pinyin.o: build/gen/pinyin.c src/people/text.h
	@mkdir -p $(@D)
	$(CC) $(CFLAGS) $(SAN) -c -o $@ $<
web/dist/index.html: $(WEB_SRC) scripts/build-web
	@echo "  VITE    web/dist"
	@scripts/build-web
build/gen/web/web.c: web/dist/index.html scripts/gen-web
	@scripts/gen-web web/dist build/gen/web
build/obj/gen/web.o: build/gen/web/web.c src/core/static.h
	@mkdir -p $(@D)
	@$(CC) $(CFLAGS) -c -o $@ $<
build/asan/gen/web.o: build/gen/web/web.c src/core/static.h
	@mkdir -p $(@D)
	@$(CC) $(CFLAGS) $(SAN) -c -o $@ $<
# web.c stands for both files scripts/gen-web writes (web.S has no rule of its own)
build/obj/gen/web_s.o build/asan/gen/web_s.o: build/gen/web/web.c
	@mkdir -p $(@D)
	@$(CC) -c -o $@ build/gen/web/web.S
build/obj/gen/data.o build/asan/gen/data.o: src/data.S data/admin-divisions-shanxi.csv
	@mkdir -p $(@D)
	$(CC) -c -o $@ src/data.S

build/cunwu: $(OBJ) build/obj/src/main.o
	@echo "  LD      $@"
	@$(CC) $(CFLAGS) -o $@ $^ $(LDLIBS)

build/asan/cunwu: $(SAN_OBJ) build/asan/src/main.o
	$(CC) $(CFLAGS) $(SAN) -o $@ $^ $(LDLIBS)

# unit tests: one binary per file, linked against everything but main
# tests/unit/<module>/<name>.c -> build/tests/unit-<module>-<name>
unit_name = $(subst /,-,$(1:tests/unit/%.c=%))
UNIT_BIN := $(foreach u,$(UNIT),build/tests/unit-$(call unit_name,$(u)))
UNIT_SAN := $(foreach u,$(UNIT),build/asan/tests/unit-$(call unit_name,$(u)))
unit-bins: $(UNIT_BIN)
define unit_rule
build/tests/unit-$(call unit_name,$(1)): $(1) tests/unit/unit.h $$(OBJ)
	@mkdir -p $$(@D)
	@echo "  LD      $$@"
	@$$(CC) $$(CFLAGS) -o $$@ $$(filter-out %.h,$$^) $$(LDLIBS) -lcmocka
build/asan/tests/unit-$(call unit_name,$(1)): $(1) tests/unit/unit.h $$(SAN_OBJ)
	@mkdir -p $$(@D)
	@echo "  LD asan $$@"
	@$$(CC) $$(CFLAGS) -O1 $$(SAN) -o $$@ $$(filter-out %.h,$$^) $$(LDLIBS) -lcmocka
endef
$(foreach u,$(UNIT),$(eval $(call unit_rule,$(u))))

# the runner computes the fixture administrators' second-factor codes with src/core/totp.c
build/tests/api-runner: tests/api/runner.c tests/api/load.c tests/api/load.h tests/api/matrix.c \
                        tests/api/matrix.h src/core/totp.c src/core/totp.h
	@mkdir -p $(@D)
	$(CC) $(CFLAGS) -o $@ $(filter %.c,$^) \
	    $(shell pkg-config --cflags --libs libcurl jansson nettle) -lpthread

# issue 10's slow clients against a running server (scripts/test slow)
build/tests/slowclients: tests/slow/slowclients.c
	@mkdir -p $(@D)
	$(CC) $(CFLAGS) -o $@ $<

asan: build/asan/cunwu $(UNIT_SAN)

# libFuzzer targets (clang); `make fuzz` builds them, scripts/test runs each briefly
FUZZ := $(sort $(wildcard tests/fuzz/*.c))
FUZZ_BIN := $(FUZZ:tests/fuzz/%.c=build/fuzz/%)
FUZZ_BASE := -std=c11 -D_GNU_SOURCE -g -O1 -Isrc -Ibuild/gen $(shell pkg-config --cflags $(PKGS))
FUZZ_CFLAGS := $(FUZZ_BASE) -fsanitize=fuzzer,address,undefined
fuzz: $(FUZZ_BIN)
FUZZ_GEN := build/gen/schema.c build/gen/pinyin.c build/gen/web/web.c
# cunwu's sources compiled once for every target (instrumented, not linked with libFuzzer's
# main); each target links them with its own file
FUZZ_OBJ := $(SRC:%.c=build/fuzz-obj/%.o) $(FUZZ_GEN:%.c=build/fuzz-obj/%.o) \
            build/fuzz-obj/data.o build/fuzz-obj/web_s.o
build/fuzz-obj/%.o: %.c $(GEN) $(wildcard src/core/*.h src/*/*.h)
	@mkdir -p $(@D)
	@echo "  CC fuzz $<"
	@clang $(FUZZ_BASE) -fsanitize=fuzzer-no-link,address,undefined -c -o $@ $<
build/fuzz-obj/data.o: src/data.S data/admin-divisions-shanxi.csv
	@mkdir -p $(@D)
	clang -c -o $@ src/data.S
build/fuzz-obj/web_s.o: build/gen/web/web.c
	@mkdir -p $(@D)
	clang -c -o $@ build/gen/web/web.S
build/fuzz/%: tests/fuzz/%.c $(wildcard tests/fuzz/*.h) $(FUZZ_OBJ)
	@mkdir -p $(@D)
	@echo "  LD fuzz $@"
	@clang $(FUZZ_CFLAGS) -o $@ $< $(FUZZ_OBJ) $(LDLIBS)

test: all asan fuzz
	scripts/test

format:
	clang-format -i $$(git ls-files '*.c' '*.h')
format-check:
	@clang-format --dry-run -Werror $$(git ls-files '*.c' '*.h') && echo "format: clean"

demo: build/cunwu
	scripts/demo

# issue 9's suite (docs/benchmarks.md): S1-S6 on county data against the Node.js peer and
# the floors; bench-smoke checks every scenario's answers on the demo town, never a speed
bench: build/cunwu build/bench/inproc
	bench/suite
bench-smoke: build/cunwu build/bench/inproc
	bench/suite --smoke

# issue 10: 10 minutes at a fixed rate on the demo town, zero errors, memory flat (bench/soak;
# `scripts/test soak-short` runs 30 s of it); then the server killed 200 times under writes
soak: build/cunwu build/tests/api-runner
	bench/soak
	CUNWU_CRASH_ROUNDS=200 CUNWU_BIN=build/cunwu build/tests/api-runner tests/api/0100-system-crash.t

# the floor without HTTP (bench/inproc.c), linked with cunwu's objects, never in build/cunwu
build/bench/inproc: bench/inproc.c $(OBJ)
	@mkdir -p $(@D)
	@echo "  LD      $@"
	@$(CC) $(CFLAGS) -o $@ $^ $(LDLIBS)

clean:
	rm -rf build
