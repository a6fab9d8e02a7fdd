"""Mixed traffic for the load test: readers, searches, API reads and calculators.

Run by tests/load/run.py, which passes the base URL as --host. It also passes
KB_LOAD_OPTIONAL_PATHS: the optional endpoints that returned 200 before the run
(search page, API lists, calculators), as a JSON object of name → path.
Every request sends X-Forwarded-Proto: https, as nginx does, because the
production settings redirect plain HTTP.
"""

import json
import os
import random

from locust import HttpUser, between, task

TOPICS = [
    "transformer-learning-rate",
    "positional-encoding",
    "deploy-ml-applications",
    "model-health-in-production",
    "rag-optimization",
    "llm-fine-tuning",
]
QUERIES = ["学习率", "warmup", "位置编码", "nginx", "数据漂移", "LoRA", "rerank 重排序"]
OPTIONAL = json.loads(os.environ.get("KB_LOAD_OPTIONAL_PATHS", "{}"))
HEADERS = {"X-Forwarded-Proto": "https"}


def language() -> str:
    return random.choice(["zh-hans", "en"])  # noqa: S311 (traffic mix, not security)


class Reader(HttpUser):
    """A reader browsing pages, now and then searching and trying a calculator."""

    wait_time = between(0.05, 0.3)
    weight = 3

    @task(4)
    def topic(self):
        slug = random.choice(TOPICS)  # noqa: S311
        self.client.get(
            f"/{language()}/topics/{slug}/", headers=HEADERS, name="/[lang]/topics/[slug]/"
        )

    @task(2)
    def home(self):
        self.client.get(f"/{language()}/", headers=HEADERS, name="/[lang]/")

    @task(1)
    def topic_list_and_glossary(self):
        self.client.get(f"/{language()}/topics/", headers=HEADERS, name="/[lang]/topics/")
        self.client.get(f"/{language()}/glossary/", headers=HEADERS, name="/[lang]/glossary/")

    @task(2)
    def search(self):
        query = random.choice(QUERIES)  # noqa: S311
        path = OPTIONAL.get("search", "/{lang}/?q={query}")
        self.client.get(path.format(lang=language(), query=query), headers=HEADERS, name="search")

    @task(1)
    def calculator(self):
        page = OPTIONAL.get("calculator_page")
        if page:
            self.client.get(page.format(lang=language()), headers=HEADERS, name="calculator page")
        path = OPTIONAL.get("calculator")
        if path:
            self.client.get(path, headers=HEADERS, name="calculator API")


class ApiClient(HttpUser):
    """A script reading the API."""

    wait_time = between(0.05, 0.3)
    weight = 1

    @task(2)
    def topics(self):
        path = OPTIONAL.get("api_topics")
        if path:
            self.client.get(path, headers=HEADERS, name="api topics")

    @task(1)
    def schema(self):
        self.client.get("/api/schema/", headers=HEADERS, name="/api/schema/")

    @task(1)
    def health(self):
        self.client.get("/readyz", headers=HEADERS, name="/readyz")
