"""Queries over the shipped content and the topic each should find.

`first` means the topic must rank first; `top3` means among the first three.
"""

TL = "transformer-learning-rate"
PE = "positional-encoding"
DEPLOY = "deploy-ml-applications"
HEALTH = "model-health-in-production"
RAG = "rag-optimization"
FT = "llm-fine-tuning"

RELEVANCE_CASES = [
    # Chinese
    ("学习率", TL, "first"),
    ("位置编码", PE, "first"),
    ("余弦退火", TL, "top3"),
    ("梯度裁剪", FT, "first"),
    ("重排序", RAG, "first"),
    ("反向代理", DEPLOY, "first"),
    ("数据漂移", HEALTH, "first"),
    ("模型退化", HEALTH, "first"),
    ("微调", FT, "first"),
    ("检索增强生成", RAG, "first"),
    ("如何设置学习率", TL, "first"),
    ("正弦 余弦 位置", PE, "first"),
    ("告警和日志", HEALTH, "first"),
    ("少样本学习", FT, "first"),
    ("向量索引", RAG, "first"),
    ("网格搜索", TL, "first"),
    # English
    ("learning rate", TL, "first"),
    ("positional encoding", PE, "first"),
    ("nginx reverse proxy", DEPLOY, "first"),
    ("gunicorn", DEPLOY, "first"),
    ("certbot https", DEPLOY, "first"),
    ("data drift", HEALTH, "first"),
    ("monitoring alerts", HEALTH, "first"),
    ("reranking", RAG, "first"),
    ("query expansion", RAG, "first"),
    ("fine-tuning", FT, "first"),
    ("gradient clipping", FT, "first"),
    ("warmup", TL, "first"),
    ("cosine annealing", TL, "top3"),
    ("long-range dependencies", PE, "first"),
    ("prompt engineering", FT, "first"),
    # Mixed
    ("transformer 学习率 warmup", TL, "first"),
    ("Transformer 位置编码", PE, "first"),
    ("nginx 部署", DEPLOY, "first"),
    ("RAG 重排序", RAG, "first"),
    ("LLM 微调", FT, "first"),
    ("MLOps 监控", HEALTH, "first"),
    # Cross-language through the glossary
    ("反向传播", FT, "first"),
    ("learning rate 衰减", TL, "first"),
    ("cross-encoder", RAG, "first"),
    ("交叉编码器", RAG, "first"),
    ("数据增强", FT, "first"),
    ("latency", HEALTH, "first"),
    # Typos
    ("positonal encodng", PE, "first"),
    ("learnig rate", TL, "first"),
    ("rerankng", RAG, "first"),
    ("gradiant clipping", FT, "first"),
    ("位置编吗", PE, "first"),
    # Phrases, exclusions and OR
    ('"grid search"', TL, "first"),
    ('"reverse proxy"', DEPLOY, "first"),
    ('"学习率调度"', TL, "top3"),
    ("学习率 -位置编码", TL, "first"),
    ("fine-tuning -retrieval", FT, "first"),
    ("nginx OR certbot", DEPLOY, "first"),
    ("faiss OR 向量索引", RAG, "first"),
    # Glossary expansions must not outrank the reader's own words: "model
    # deployment" expands deploy queries, "model decay" shares "decay".
    ("deploy", DEPLOY, "first"),
    ("deployment", DEPLOY, "first"),
    ("部署", DEPLOY, "first"),
    ("模型部署", DEPLOY, "first"),
    ("怎么部署", DEPLOY, "first"),
    ("模型上线", DEPLOY, "first"),
    ("学习率衰减", TL, "first"),
    ("learning rate decay", TL, "first"),
    # A word that no topic contains is left out instead of emptying the results.
    ("位置编码 公式", PE, "first"),
    ("sinusoidal positional encoding", PE, "first"),
    ("sinusoidal", PE, "first"),
    ("概念漂移", HEALTH, "first"),
    ("concept drift", HEALTH, "first"),
    ("https 证书", DEPLOY, "first"),
    ("学习 率", TL, "first"),
    ("gunicorn 4 workers", DEPLOY, "first"),
]
