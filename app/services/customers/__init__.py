"""客户管理 services (manual ch. 4 and 3.8), one module per topic.

records: add/edit/delete and bulk edits; duplicates: 客户验证设置; search: the universal token index;
followups: 联系记录 and 等待回访; pool / sharing: 公共客户池, 领用, 放弃, 共享; imports / exports: Excel;
documents: 合同文档; custom_fields: 自定义字段; settings: 客户池设置 and 客户验证设置; visibility: who sees what.
"""
