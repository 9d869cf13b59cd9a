-- Runs once, when the postgres volume is first initialised: the gateway's and the adapters' databases.
CREATE DATABASE tongbao;
CREATE DATABASE tongbao_adapters;
